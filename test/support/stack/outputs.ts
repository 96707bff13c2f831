/**
 * Which stack a suite talks to, from its outputs file (local/runtime/stack-outputs.ts): the
 * integration suite's (STACK_OUTPUTS, set by its global setup for a fresh local stack or
 * by `npm run test:stack -- --outputs F` for any other) and the browser suite's own local
 * stack (E2E_STACK_OUTPUTS, a separate variable so both global setups can run in one Jest
 * process). Also the stack configuration the stack was built from, for expected values.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TenantConfig } from "../../../infra/config";
import { readStackConfigFile } from "../../../infra/config-file";
import { loadStackOutputs, resolveOutputsPath, StackOutputsError, type StackOutputs } from "../../../local/runtime/stack-outputs";

export const ROOT_DIR = join(__dirname, "..", "..", "..");

/** Names the browser suite's outputs file (its global setup sets it). */
export const E2E_OUTPUTS_ENV = "E2E_STACK_OUTPUTS";

export const LOCAL_ONLY = "SKIPPED: needs the local stack's test controls (outputs.endpoints.control and controlToken); not available on this stack";

export class StackUnderTestError extends Error {
  readonly code = "stack_under_test";
  constructor(message: string) {
    super(message);
    this.name = "StackUnderTestError";
  }
}

let integrationOutputs: StackOutputs | undefined;

/** The integration suite's stack: STACK_OUTPUTS, else the running local stack's file. */
export function stackOutputs(): StackOutputs {
  integrationOutputs ??= loadStackOutputs(resolveOutputsPath());
  return integrationOutputs;
}

function outputsOrUndefined(): StackOutputs | undefined {
  try {
    return stackOutputs();
  } catch {
    return undefined;
  }
}

/**
 * Read when a test file loads (the global setup has set STACK_OUTPUTS by then), so
 * local-only tests can be skipped by name with a clear reason.
 */
export function stackIsLocal(): boolean {
  return outputsOrUndefined()?.endpoints !== undefined;
}

/** Whether the stack has the local test controls (agent mode, action-group variant). */
export function stackHasControls(): boolean {
  const outputs = outputsOrUndefined();
  return outputs?.endpoints?.control !== undefined && outputs.controlToken !== undefined;
}

/** A local stack's outputs: the page's URL, the emulator endpoints and operator keys are there. */
export interface LocalStackOutputs extends StackOutputs {
  webUrl: string;
  endpoints: NonNullable<StackOutputs["endpoints"]>;
  adminCredentials: NonNullable<StackOutputs["adminCredentials"]>;
}

export function localStackOutputs(file: string): LocalStackOutputs {
  const outputs = loadStackOutputs(file);
  const { webUrl, endpoints, adminCredentials } = outputs;
  if (!webUrl || !endpoints || !adminCredentials) {
    throw new StackOutputsError(`${file} is not a local stack's outputs (webUrl, endpoints, adminCredentials)`);
  }
  return { ...outputs, webUrl, endpoints, adminCredentials };
}

let browserSuiteOutputs: LocalStackOutputs | undefined;

/** The local stack the browser suite's global setup booted. */
export function e2eStack(): LocalStackOutputs {
  if (browserSuiteOutputs) return browserSuiteOutputs;
  const file = process.env[E2E_OUTPUTS_ENV];
  if (!file) throw new StackUnderTestError(`${E2E_OUTPUTS_ENV} is not set: run the browser tests with jest --selectProjects e2e`);
  browserSuiteOutputs = localStackOutputs(file);
  return browserSuiteOutputs;
}

/** The configuration the stack was built from: STACK_CONFIG, default Pulumi.dev.yaml. */
export function stackConfigFile(): string {
  return process.env.STACK_CONFIG ?? join(ROOT_DIR, "Pulumi.dev.yaml");
}

/**
 * The stack's tenants (keys of ordersTableNames) with their configured settings, read
 * from the stack configuration so expected values are not written twice.
 */
export function stackTenants(outputs: StackOutputs, configFile = stackConfigFile()): TenantConfig[] {
  if (!existsSync(configFile)) throw new StackUnderTestError(`stack configuration ${configFile} not found (set STACK_CONFIG)`);
  const { config } = readStackConfigFile(configFile);
  const tenantIds = Object.keys(outputs.ordersTableNames).sort();
  if (tenantIds.length < 2) throw new StackUnderTestError("the isolation suite needs at least two tenants in ordersTableNames");
  return tenantIds.map((id) => {
    const tenant = config.tenants.find((t) => t.id === id);
    if (!tenant) throw new StackUnderTestError(`tenant ${id} of the stack outputs is not in ${configFile}`);
    return tenant;
  });
}
