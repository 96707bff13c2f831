/**
 * The stack under test, from its outputs (STACK_OUTPUTS, set by the global setup for a
 * local stack or by `npm run test:stack -- --outputs F` for any other), and the operator
 * clients the suite uses to arrange and inspect it: admin credentials + local endpoints
 * on the local stack, the default AWS credential chain on AWS.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readStackConfigFile, type TenantConfig } from "../../../../infra/config";
import { loadStackOutputs, resolveOutputsPath, type StackOutputs } from "../../../../scripts/stack-outputs";

export const ROOT_DIR = join(__dirname, "..", "..", "..", "..");

export interface StackUnderTest {
  outputs: StackOutputs;
  /** True when the outputs carry the local stack's endpoints (and its test controls). */
  isLocal: boolean;
  /** Tenants of the stack (keys of ordersTableNames), with their configured settings. */
  tenants: TenantConfig[];
  cognito: CognitoIdentityProviderClient;
  /** Operator access to the tables (never what the system under test uses). */
  dynamo: DynamoDBDocumentClient;
  destroy(): void;
}

export class StackUnderTestError extends Error {
  readonly code = "stack_under_test";
  constructor(message: string) {
    super(message);
    this.name = "StackUnderTestError";
  }
}

/**
 * Expected tenant settings come from the stack configuration (STACK_CONFIG, default
 * Pulumi.dev.yaml), the same file the stack was built from, so values are not written twice.
 */
export function stackTenants(outputs: StackOutputs, configFile = process.env.STACK_CONFIG ?? join(ROOT_DIR, "Pulumi.dev.yaml")): TenantConfig[] {
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

export function connectStack(): StackUnderTest {
  const outputs = loadStackOutputs(resolveOutputsPath());
  const isLocal = outputs.endpoints !== undefined;
  const credentials = outputs.adminCredentials
    ? { accessKeyId: outputs.adminCredentials.accessKeyId, secretAccessKey: outputs.adminCredentials.secretAccessKey }
    : undefined; // AWS: the default credential chain of the operator running the suite
  const common = { region: outputs.region, ...(credentials ? { credentials } : {}) };
  const cognito = new CognitoIdentityProviderClient({ ...common, endpoint: outputs.endpoints?.cognito });
  const base = new DynamoDBClient({ ...common, endpoint: outputs.endpoints?.dynamodb });
  const dynamo = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  return {
    outputs,
    isLocal,
    tenants: stackTenants(outputs),
    cognito,
    dynamo,
    destroy: () => {
      cognito.destroy();
      base.destroy();
    },
  };
}

/** The local test controls, or undefined (with the reason) on a stack without them. */
export function controlEndpoint(stack: StackUnderTest): string | undefined {
  return stack.outputs.endpoints?.control;
}

export const LOCAL_ONLY = "SKIPPED: needs the local stack's test controls (outputs.endpoints.control and controlToken); not available on this stack";

/**
 * Whether the stack under test has the local test controls, read when a test file loads
 * (the global setup has set STACK_OUTPUTS by then), so local-only tests can be skipped
 * by name with a clear reason.
 */
export function stackHasControls(): boolean {
  try {
    const outputs = loadStackOutputs(resolveOutputsPath());
    return outputs.endpoints?.control !== undefined && outputs.controlToken !== undefined;
  } catch {
    return false;
  }
}

export function stackIsLocal(): boolean {
  try {
    return loadStackOutputs(resolveOutputsPath()).endpoints !== undefined;
  } catch {
    return false;
  }
}
