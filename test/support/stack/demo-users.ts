/**
 * The stack configuration's demo users (tenant1-user…), for the one scenario that is
 * about them (a demo user's first sign-in). Signing one in changes its password, so it is
 * allowed only on a stack the integration suite booted itself (stack-ownership.ts); the
 * refusal comes before any call to the stack.
 */
import type { StackOutputs } from "../../../local/runtime/stack-outputs";
import { signInDemoUser, type DemoUser } from "../../../scripts/stack-client/sign-in";
import { assertSuiteBootedStack } from "./stack-ownership";

/** The first configured user of `tenantId` (stack outputs `users`). */
export function demoUsernameOf(outputs: Pick<StackOutputs, "users">, tenantId: string): string {
  const username = Object.entries(outputs.users).find(([, tenant]) => tenant === tenantId)?.[0];
  if (!username) throw new Error(`the stack outputs list no demo user of tenant ${tenantId}`);
  return username;
}

/** signInDemoUser, refused with ForeignStackError on a stack the suite did not boot. */
export async function signInSuiteDemoUser(outputs: StackOutputs, username: string, env: NodeJS.ProcessEnv = process.env): Promise<DemoUser> {
  assertSuiteBootedStack(`sign in as demo user "${username}" (its first sign-in sets a new password)`, env);
  return signInDemoUser(outputs, username);
}
