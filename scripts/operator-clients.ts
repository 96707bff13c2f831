/**
 * AWS SDK clients with which an operator arranges and inspects a stack (create users,
 * write orders, read connection records): on the local stack with its admin keys and
 * stand-in endpoints, on AWS with the default credential chain of whoever runs the tool.
 * One construction for the orders CLI and the test support.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { StackOutputs } from "../local/runtime/stack-outputs";

export interface OperatorClients {
  outputs: StackOutputs;
  cognito: CognitoIdentityProviderClient;
  /** Operator access to the tables (never what the system itself uses). */
  dynamo: DynamoDBDocumentClient;
  destroy(): void;
}

export function operatorClients(outputs: StackOutputs): OperatorClients {
  const credentials = outputs.adminCredentials
    ? { accessKeyId: outputs.adminCredentials.accessKeyId, secretAccessKey: outputs.adminCredentials.secretAccessKey }
    : undefined; // AWS: the default credential chain of the operator
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
