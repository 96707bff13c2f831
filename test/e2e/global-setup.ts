/**
 * Browser tests get their OWN local stack (free ports, temp state): they change
 * passwords at first sign-in and add orders, which must not disturb the integration
 * suite's stack. Global setup runs in another process than the test files, so the
 * outputs travel as a file named by E2E_STACK_OUTPUTS.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { E2E_OUTPUTS_ENV } from "../support/stack/outputs";

declare global {
  var __E2E_LOCAL_STACK__: { stack: LocalStack; stateDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), "mta-e2e-stack-"));
  const stack = await startLocalStack({ ports: "free", stateDir });
  globalThis.__E2E_LOCAL_STACK__ = { stack, stateDir };
  process.env[E2E_OUTPUTS_ENV] = stack.outputsFile;
  process.env.E2E_STACK_STARTUP_MS = String(stack.startupMs);
}
