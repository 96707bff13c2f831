/**
 * Operator-side test orders, written straight into a tenant's orders table. The orders
 * CLI (scripts/orders.ts) resolves users and clears orders; tests write their own order
 * ids (the assertions name them), which the CLI's addOrder does not allow.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Order as StoredOrder } from "../../../lambdas/action-group/tool-results";
import { resolveUser, type Order } from "../../../scripts/orders";
import type { OperatorClients } from "../../../scripts/operator-clients";

/** An order as stored in a tenant table; `items` may be names or `{ name, quantity }` (the action group reads both). */
export type { StoredOrder };

export type TestOrder = Order;

/** Writes `order` for the user whose Cognito sub is `userId`. */
export async function putOrder(clients: Pick<OperatorClients, "dynamo">, tableName: string, userId: string, order: StoredOrder): Promise<void> {
  await clients.dynamo.send(new PutCommand({ TableName: tableName, Item: { userId, ...order } }));
}

/** Adds `order` for `username` in the orders table of the user's tenant (sub and tenant from Cognito). */
export async function addOrderFor(clients: OperatorClients, username: string, order: TestOrder): Promise<void> {
  const { sub, tableName } = await resolveUser(clients, username);
  await putOrder(clients, tableName, sub, order);
}
