/**
 * Integration tests run against "a stack": STACK_OUTPUTS names an existing one (AWS or a
 * running local stack); otherwise a fresh local stack is booted on free ports in a temp
 * state directory and STACK_OUTPUTS points the test files at its outputs.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack, type LocalStack } from "../../local/stack";

declare global {
  // eslint-disable-next-line no-var
  var __LOCAL_STACK__: LocalStack | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.STACK_OUTPUTS) return;
  const stateDir = mkdtempSync(join(tmpdir(), "mta-local-stack-"));
  const stack = await startLocalStack({ ports: "free", stateDir });
  globalThis.__LOCAL_STACK__ = stack;
  process.env.STACK_OUTPUTS = stack.outputsFile;
  process.env.LOCAL_STACK_STARTUP_MS = String(stack.startupMs);
}
