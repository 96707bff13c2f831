/**
 * Tenant data reads: the table each read names and the key it uses, always the verified
 * identity's (DynamoDB's LeadingKeys condition denies any other), and bounded paging.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { MAX_ORDERS_READ, TenantData } from "../../../../lambdas/action-group/tenant-data";
import { ENV, TENANT, USER } from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const CONFIG = { tenantsTableName: ENV.TENANTS_TABLE_NAME, ordersTablePrefix: ENV.ORDERS_TABLE_PREFIX };
const ORDERS_TABLE = `${ENV.ORDERS_TABLE_PREFIX}${TENANT}`;

const data = () => new TenantData(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })), CONFIG);
const orders = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ userId: USER, orderId: `o-${from + i}` }));

beforeEach(() => ddb.reset());

describe("tenantItem", () => {
  it("gets the tenant's row from the tenants table by tenantId", async () => {
    ddb.on(GetCommand).resolves({ Item: { tenantId: TENANT, displayName: "Tenant One" } });
    expect(await data().tenantItem(TENANT)).toEqual({ tenantId: TENANT, displayName: "Tenant One" });
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: ENV.TENANTS_TABLE_NAME, Key: { tenantId: TENANT } },
    ]);
  });

  it("is undefined when the row is missing", async () => {
    ddb.on(GetCommand).resolves({});
    expect(await data().tenantItem(TENANT)).toBeUndefined();
  });
});

describe("orderItems", () => {
  it("queries the user's partition of the tenant's orders table, newest first", async () => {
    ddb.on(QueryCommand).resolves({ Items: orders(0, 2) });
    expect(await data().orderItems(TENANT, USER)).toEqual(orders(0, 2));
    expect(ddb.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: ORDERS_TABLE,
        KeyConditionExpression: "userId = :sub",
        ExpressionAttributeValues: { ":sub": USER },
        ScanIndexForward: false,
        Limit: 100,
        ExclusiveStartKey: undefined,
      },
    ]);
  });

  it("follows LastEvaluatedKey and stops at MAX_ORDERS_READ, asking only for what is still missing", async () => {
    let page = 0;
    ddb.on(QueryCommand).callsFake(async (input: { Limit: number }) => {
      const items = orders(page * 1000, Math.min(60, input.Limit));
      page += 1;
      return { Items: items, LastEvaluatedKey: { userId: USER, orderId: `last-${page}` } };
    });

    const items = await data().orderItems(TENANT, USER);

    expect(items).toHaveLength(MAX_ORDERS_READ);
    const inputs = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.Limit)).toEqual([100, 100, 80, 20]);
    expect(inputs.map((i) => i.ExclusiveStartKey)).toEqual([
      undefined,
      { userId: USER, orderId: "last-1" },
      { userId: USER, orderId: "last-2" },
      { userId: USER, orderId: "last-3" },
    ]);
    for (const input of inputs) expect(input).toMatchObject({ TableName: ORDERS_TABLE, ExpressionAttributeValues: { ":sub": USER } });
  });

  it("stops when there is no further page", async () => {
    ddb.on(QueryCommand).resolvesOnce({ Items: orders(0, 3), LastEvaluatedKey: { userId: USER, orderId: "o-2" } }).resolves({});
    expect(await data().orderItems(TENANT, USER)).toEqual(orders(0, 3));
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
  });
});

describe("orderItem", () => {
  it("gets one order from the tenant's orders table under the user's key", async () => {
    ddb.on(GetCommand).resolves({ Item: { userId: USER, orderId: "o-7" } });
    expect(await data().orderItem(TENANT, USER, "o-7")).toEqual({ userId: USER, orderId: "o-7" });
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: ORDERS_TABLE, Key: { userId: USER, orderId: "o-7" } },
    ]);
  });
});

it("lets DynamoDB errors through unchanged: toToolError maps them", async () => {
  const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
  ddb.on(GetCommand).rejects(denied);
  await expect(data().tenantItem(TENANT)).rejects.toMatchObject({ name: "AccessDeniedException" });
});
