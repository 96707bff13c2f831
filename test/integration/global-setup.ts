/**
 * Integration tests run against "a stack": STACK_OUTPUTS names an existing one (AWS or a
 * running local stack); otherwise a fresh local stack is booted on free ports in a temp
 * state directory, from the demo configuration with a token budget on one tenant
 * (suite-config.ts), and STACK_OUTPUTS and STACK_CONFIG point the test files at its outputs
 * and configuration.
 *
 * STACK_BOOTED_BY_SUITE=1 is set ONLY for the stack booted here: the demo users of any
 * other stack belong to someone (test/support/stack/stack-ownership.ts), so an inherited
 * value is removed when STACK_OUTPUTS is given.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT_DIR, startLocalStack, type LocalStack } from "../../local/stack";
import { writeSuiteConfig } from "./suite-config";
import { BOOTED_BY_SUITE_ENV } from "../support/stack/stack-ownership";

declare global {
  var __LOCAL_STACK__: LocalStack | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.STACK_OUTPUTS) {
    delete process.env[BOOTED_BY_SUITE_ENV];
    return;
  }
  const stateDir = mkdtempSync(join(tmpdir(), "mta-local-stack-"));
  // The demo configuration with a token budget on one tenant (I21): the tests read it back through STACK_CONFIG.
  const configFile = writeSuiteConfig(process.env.STACK_CONFIG ?? join(ROOT_DIR, "Pulumi.dev.yaml"), stateDir);
  const stack = await startLocalStack({ ports: "free", stateDir, configFile });
  process.env.STACK_CONFIG = configFile;
  globalThis.__LOCAL_STACK__ = stack;
  process.env.STACK_OUTPUTS = stack.outputsFile;
  process.env[BOOTED_BY_SUITE_ENV] = "1";
  process.env.LOCAL_STACK_STARTUP_MS = String(stack.startupMs);
}
