/**
 * AWS SDK clients for a stack. Operator clients arrange and inspect the stack (create
 * users, write orders, read connection records): on the local stack with its admin keys
 * and emulator endpoints, on AWS with the default credential chain of whoever runs the
 * tests. The public Cognito client is what the page uses: no credentials at all.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { TenantConfig } from "../../../infra/config";
import type { StackOutputs } from "../../../scripts/stack-outputs";
import { stackOutputs, stackTenants } from "./outputs";

/** Shaped like scripts/orders.ts OrdersContext, so the orders CLI's functions accept it. */
export interface StackClients {
  outputs: StackOutputs;
  cognito: CognitoIdentityProviderClient;
  /** Operator access to the tables (never what the system under test uses). */
  dynamo: DynamoDBDocumentClient;
  destroy(): void;
}

export function operatorClients(outputs: StackOutputs): StackClients {
  const credentials = outputs.adminCredentials
    ? { accessKeyId: outputs.adminCredentials.accessKeyId, secretAccessKey: outputs.adminCredentials.secretAccessKey }
    : undefined; // AWS: the default credential chain of the operator running the suite
  const common = { region: outputs.region, ...(credentials ? { credentials } : {}) };
  const cognito = new CognitoIdentityProviderClient({ ...common, endpoint: outputs.endpoints?.cognito });
  const base = new DynamoDBClient({ ...common, endpoint: outputs.endpoints?.dynamodb });
  const dynamo = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  return {
    outputs,
    cognito,
    dynamo,
    destroy: () => {
      cognito.destroy();
      base.destroy();
    },
  };
}

/** Operator clients for one piece of setup, destroyed afterwards. */
export async function withOperatorClients<T>(outputs: StackOutputs, work: (clients: StackClients) => Promise<T>): Promise<T> {
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
export interface StackUnderTest extends StackClients {
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
