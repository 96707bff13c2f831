/** Stops the local stack the e2e global setup booted. */
import { E2E_OUTPUTS_ENV } from "./support/stack";

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__E2E_LOCAL_STACK__;
  if (!stack) return;
  globalThis.__E2E_LOCAL_STACK__ = undefined;
  await stack.stop();
  delete process.env[E2E_OUTPUTS_ENV];
}
