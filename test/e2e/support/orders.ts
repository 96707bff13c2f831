/**
 * Operator-side test data: orders written straight into a tenant's orders table with the
 * local stack's admin credentials, for the user's Cognito sub (looked up with AdminGetUser).
 */
import { AdminGetUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { E2eStack } from "./stack";

export interface TestOrder {
  orderId: string;
  orderDate: string;
  total: number;
  currency: string;
  status: string;
  items: string[];
}

export async function userSub(stack: E2eStack, username: string): Promise<string> {
  const client = new CognitoIdentityProviderClient({
    region: stack.region,
    endpoint: stack.endpoints.cognito,
    credentials: stack.adminCredentials,
  });
  try {
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: stack.userPoolId, Username: username }));
    const sub = user.UserAttributes?.find((a) => a.Name === "sub")?.Value;
    if (!sub) throw new Error(`${username} has no sub attribute`);
    return sub;
  } finally {
    client.destroy();
  }
}

/** Adds `order` for `username` in the orders table of the user's tenant. */
export async function addOrder(stack: E2eStack, username: string, order: TestOrder): Promise<void> {
  const tenantId = stack.users[username];
  const tableName = tenantId === undefined ? undefined : stack.ordersTableNames[tenantId];
  if (!tableName) throw new Error(`no orders table for ${username}`);
  const sub = await userSub(stack, username);
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: stack.region, endpoint: stack.endpoints.dynamodb, credentials: stack.adminCredentials }),
  );
  try {
    await client.send(new PutCommand({ TableName: tableName, Item: { userId: sub, ...order } }));
  } finally {
    client.destroy();
  }
}
