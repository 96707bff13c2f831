/** The local stack the e2e global setup booted, as seen from a test file. */
import { loadStackOutputs, type StackOutputs } from "../../../scripts/stack-outputs";

export const E2E_OUTPUTS_ENV = "E2E_STACK_OUTPUTS";

export interface E2eStack extends StackOutputs {
  webUrl: string;
  endpoints: NonNullable<StackOutputs["endpoints"]>;
  adminCredentials: NonNullable<StackOutputs["adminCredentials"]>;
}

let cached: E2eStack | undefined;

export function e2eStack(): E2eStack {
  if (cached) return cached;
  const file = process.env[E2E_OUTPUTS_ENV];
  if (!file) throw new Error(`${E2E_OUTPUTS_ENV} is not set: run the browser tests with jest --selectProjects e2e`);
  const outputs = loadStackOutputs(file);
  const { webUrl, endpoints, adminCredentials } = outputs;
  if (!webUrl || !endpoints || !adminCredentials) throw new Error(`${file} is not a local stack's outputs (webUrl, endpoints, adminCredentials)`);
  cached = { ...outputs, webUrl, endpoints, adminCredentials };
  return cached;
}
