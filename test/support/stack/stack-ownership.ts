/**
 * Whose stack the integration suite is running against. The global setup sets
 * STACK_BOOTED_BY_SUITE=1 only when it booted a fresh local stack itself; against any
 * other stack (STACK_OUTPUTS / `npm run test:stack -- --outputs F`) the configured demo
 * users belong to a person (a browser may be signed in as one, with orders of their own),
 * so the suite must neither sign in as them, change their passwords, nor touch their orders.
 */
import type { StackOutputs } from "../../../local/runtime/stack-outputs";

export const BOOTED_BY_SUITE_ENV = "STACK_BOOTED_BY_SUITE";

export class ForeignStackError extends Error {
  readonly code = "foreign_stack";
  constructor(action: string) {
    super(
      `refusing to ${action}: the test suite did not boot this stack (${BOOTED_BY_SUITE_ENV} is not set), ` +
        "so its configured demo users are not the suite's to use; use per-run users (TestUserFactory)",
    );
    this.name = "ForeignStackError";
  }
}

/** True only when the integration global setup booted the stack under test. */
export function suiteBootedStack(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[BOOTED_BY_SUITE_ENV] === "1";
}

/** Throws ForeignStackError unless the suite booted the stack (checked before any I/O). */
export function assertSuiteBootedStack(action: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!suiteBootedStack(env)) throw new ForeignStackError(action);
}

/** A user of the stack configuration (`outputs.users`): a demo user, never a per-run one. */
export function isConfiguredUser(outputs: Pick<StackOutputs, "users">, username: string): boolean {
  return Object.hasOwn(outputs.users, username);
}

export class ConfiguredUserError extends Error {
  readonly code = "configured_user";
  constructor(username: string, action: string) {
    super(`refusing to ${action} for "${username}": it is a configured (demo) user of the stack, not one this run created`);
    this.name = "ConfiguredUserError";
  }
}

/** Per-run helpers call this before they create, change or clean up a user. */
export function assertNotConfiguredUser(outputs: Pick<StackOutputs, "users">, username: string, action: string): void {
  if (isConfiguredUser(outputs, username)) throw new ConfiguredUserError(username, action);
}
