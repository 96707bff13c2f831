/** Stops the local stack the global setup booted (if any). */
import { BOOTED_BY_SUITE_ENV } from "../support/stack/stack-ownership";

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__LOCAL_STACK__;
  if (!stack) return;
  globalThis.__LOCAL_STACK__ = undefined;
  await stack.stop();
  delete process.env.STACK_OUTPUTS;
  delete process.env[BOOTED_BY_SUITE_ENV];
}
