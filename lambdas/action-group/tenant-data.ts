/**
 * Reads of tenant data, always through a client built from the session's scoped
 * credentials and always keyed by the verified identity. DynamoDB + IAM (LeadingKeys
 * bound to the session tags) are the real isolation; these keys are what a correct
 * caller sends, so a correct caller is never denied.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ordersTableName, type ActionGroupConfig } from "./config";

/** Upper bound on the order items read per listOrders call (the newest 50 of these are returned). */
export const MAX_ORDERS_READ = 200;
const QUERY_PAGE_SIZE = 100;

type Item = Record<string, unknown>;

export class TenantData {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly config: Pick<ActionGroupConfig, "tenantsTableName" | "ordersTablePrefix">,
  ) {}

  async tenantItem(tenantId: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.config.tenantsTableName, Key: { tenantId } }),
    );
    return result.Item;
  }

  /** The user's orders (bounded), in no particular order: the caller sorts by orderDate. */
  async orderItems(tenantId: string, userId: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: ordersTableName(this.config, tenantId),
          KeyConditionExpression: "userId = :sub",
          ExpressionAttributeValues: { ":sub": userId },
          ScanIndexForward: false,
          Limit: Math.min(QUERY_PAGE_SIZE, MAX_ORDERS_READ - items.length),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < MAX_ORDERS_READ);
    return items;
  }

  async orderItem(tenantId: string, userId: string, orderId: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: ordersTableName(this.config, tenantId), Key: { userId, orderId } }),
    );
    return result.Item;
  }
}
