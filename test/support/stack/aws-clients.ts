/**
 * AWS SDK clients for a stack. Operator clients (scripts/operator-clients.ts, the orders
 * CLI's) arrange and inspect the stack; the public Cognito client is what the page uses:
 * no credentials at all.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { TenantConfig } from "../../../infra/config";
import { operatorClients, type OperatorClients } from "../../../scripts/operator-clients";
import type { StackOutputs } from "../../../scripts/stack-outputs";
import { stackOutputs, stackTenants } from "./outputs";

/** Operator clients for one piece of setup, destroyed afterwards. */
export async function withOperatorClients<T>(outputs: StackOutputs, work: (clients: OperatorClients) => Promise<T>): Promise<T> {
  const clients = operatorClients(outputs);
  try {
    return await work(clients);
  } finally {
    clients.destroy();
  }
}

const publicClients = new Map<string, CognitoIdentityProviderClient>();

/** Cognito as the page calls it (sign-in needs no AWS credentials); one per endpoint. */
export function publicCognitoClient(outputs: StackOutputs): CognitoIdentityProviderClient {
  const key = `${outputs.region}|${outputs.endpoints?.cognito ?? ""}`;
  let client = publicClients.get(key);
  if (!client) {
    client = new CognitoIdentityProviderClient({
      region: outputs.region,
      ...(outputs.endpoints?.cognito ? { endpoint: outputs.endpoints.cognito, credentials: { accessKeyId: "none", secretAccessKey: "none" } } : {}),
    });
    publicClients.set(key, client);
  }
  return client;
}

/** The integration suite's stack with operator clients and its configured tenants. */
export interface StackUnderTest extends OperatorClients {
  /** True when the outputs carry the local stack's endpoints (and its test controls). */
  isLocal: boolean;
  /** Tenants of the stack (keys of ordersTableNames), with their configured settings. */
  tenants: TenantConfig[];
}

export function connectStack(): StackUnderTest {
  const outputs = stackOutputs();
  const tenants = stackTenants(outputs);
  return { ...operatorClients(outputs), isLocal: outputs.endpoints !== undefined, tenants };
}
