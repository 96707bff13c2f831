/**
 * AWS SDK clients for a stack. Operator clients (scripts/operator-clients.ts, the orders
 * CLI's) arrange and inspect the stack; the public Cognito client the page uses (no
 * credentials at all) is scripts/stack-client/sign-in.ts `publicCognitoClient`.
 */
import type { TenantConfig } from "../../../infra/config";
import { operatorClients, type OperatorClients } from "../../../scripts/operator-clients";
import type { StackOutputs } from "../../../local/runtime/stack-outputs";
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
