/**
 * lambdas/action-group/tools.ts: the tool implementations over mocked scoped clients, and
 * the tenant-data reads they make (always keyed by the verified identity, bounded).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { ToolError } from "../../../../lambdas/action-group/errors";
import { TOOL_FUNCTIONS } from "../../../../lambdas/action-group/function-schema";
import type { SessionIdentity } from "../../../../lambdas/action-group/session";
import {
  MAX_ORDERS_READ,
  parseOrderId,
  STATUS_TEXT,
  TenantData,
  TOOL_IMPLEMENTATIONS,
  type ToolDependencies,
} from "../../../../lambdas/action-group/tools";
import {
  ANSWER_ID,
  CONNECTION_ID,
  ENV,
  OTHER_TENANT,
  OTHER_USER,
  SCOPED_KEY,
  SCOPED_SECRET,
  SCOPED_TOKEN,
  TENANT,
  USER,
} from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);

const NOW = new Date("2026-06-01T12:00:00Z");
const ORDERS_TABLE = `${ENV.ORDERS_TABLE_PREFIX}${TENANT}`;
const TENANT_ITEM = { tenantId: TENANT, displayName: "Tenant One", returnPolicyDays: 10 };

const IDENTITY: SessionIdentity = {
  tenantId: TENANT,
  userId: USER,
  answerId: ANSWER_ID,
  connectionId: CONNECTION_ID,
  credentials: { accessKeyId: SCOPED_KEY, secretAccessKey: SCOPED_SECRET, sessionToken: SCOPED_TOKEN, expiration: new Date("2026-06-01T12:15:00Z") },
};

/** Model-chosen identity parameters: they must change nothing. */
const INJECTED = { tenantId: OTHER_TENANT, userId: OTHER_USER };

function order(orderId: string, orderDate: string) {
  return { userId: USER, orderId, orderDate, total: 42.5, currency: "EUR", status: "delivered", items: [] };
}

function dependencies() {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  const as = jest.fn((_credentials: SessionIdentity["credentials"]) => documents);
  const postStatus = jest.fn(async (_identity: SessionIdentity, _text: string) => "sent" as const);
  const deps: ToolDependencies = {
    config: { tenantsTableName: ENV.TENANTS_TABLE_NAME, ordersTablePrefix: ENV.ORDERS_TABLE_PREFIX, usageTableName: ENV.USAGE_TABLE_NAME },
    tenantTables: { as },
    postStatus,
    now: () => NOW,
  };
  return { deps, as, postStatus };
}

function codeOf(error: unknown): string {
  return error instanceof ToolError ? error.code : "not a ToolError";
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).resolves({ Item: TENANT_ITEM });
});

it("implements every tool of the function schema, and no other", () => {
  expect(Object.keys(TOOL_IMPLEMENTATIONS).sort()).toEqual(TOOL_FUNCTIONS.map((f) => f.name).sort());
});

describe("getReturnPolicy", () => {
  it("reads the identity's tenant row with the scoped client and posts its status", async () => {
    const { deps, as, postStatus } = dependencies();
    const result = await TOOL_IMPLEMENTATIONS.getReturnPolicy(IDENTITY, INJECTED, deps);

    expect(result).toEqual({ tenantName: "Tenant One", returnPolicyDays: 10 });
    expect(as).toHaveBeenCalledWith(IDENTITY.credentials);
    expect(ddb.calls().map((c) => c.args[0].input)).toEqual([{ TableName: ENV.TENANTS_TABLE_NAME, Key: { tenantId: TENANT } }]);
    expect(postStatus).toHaveBeenCalledWith(IDENTITY, STATUS_TEXT.getReturnPolicy());
  });

  it.each([
    ["missing", {}],
    ["without a name", { Item: { tenantId: TENANT, returnPolicyDays: 10 } }],
    ["with negative policy days", { Item: { ...TENANT_ITEM, returnPolicyDays: -1 } }],
  ])("refuses a tenant row that is %s as tenant_not_configured", async (_label, output) => {
    ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).resolves(output);
    const { deps } = dependencies();
    const error = await TOOL_IMPLEMENTATIONS.getReturnPolicy(IDENTITY, {}, deps).catch((e: unknown) => e);
    expect(codeOf(error)).toBe("tenant_not_configured");
  });
});

describe("listOrders", () => {
  it("queries the identity's partition of the identity's tenant table, newest first", async () => {
    ddb.on(QueryCommand).resolves({ Items: [order("o-1", "2026-05-01T00:00:00Z"), order("o-2", "2026-05-20T00:00:00Z")] });
    const { deps, postStatus } = dependencies();

    const result = await TOOL_IMPLEMENTATIONS.listOrders(IDENTITY, INJECTED, deps);

    expect(result).toMatchObject({ orders: [{ orderId: "o-2" }, { orderId: "o-1" }] });
    const [query] = ddb.commandCalls(QueryCommand);
    expect(query.args[0].input).toMatchObject({ TableName: ORDERS_TABLE, ExpressionAttributeValues: { ":sub": USER } });
    expect(postStatus).toHaveBeenCalledWith(IDENTITY, STATUS_TEXT.listOrders());
  });
});

describe("getMyUsage (I23)", () => {
  it("queries only the identity's own usage partition, this month's day counters, whatever the model passes", async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        { sk: "day#2026-06-01", asks: 3, inputTokens: 900, outputTokens: 120 },
      ],
    });
    const { deps, postStatus } = dependencies();

    const result = await TOOL_IMPLEMENTATIONS.getMyUsage(IDENTITY, INJECTED, deps);

    expect(result).toEqual({
      today: { date: "2026-06-01", asks: 3, inputTokens: 900, outputTokens: 120 },
      thisMonth: { month: "2026-06", asks: 3, inputTokens: 900, outputTokens: 120 },
    });
    const [query, ...others] = ddb.commandCalls(QueryCommand);
    expect(others).toEqual([]);
    expect(query.args[0].input).toMatchObject({
      TableName: ENV.USAGE_TABLE_NAME,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :first AND :last",
      ExpressionAttributeValues: { ":pk": `${TENANT}#${USER}`, ":first": "day#2026-06-01", ":last": "day#2026-06-31" },
    });
    expect(JSON.stringify(query.args[0].input)).not.toMatch(new RegExp(`${OTHER_TENANT}|${OTHER_USER}`));
    expect(postStatus).toHaveBeenCalledWith(IDENTITY, STATUS_TEXT.getMyUsage());
  });
});

describe("getOrder", () => {
  it("reads the order under the identity's key, and the policy days from the tenant row", async () => {
    ddb.on(GetCommand, { TableName: ORDERS_TABLE }).resolves({ Item: order("o-7", "2026-05-28T10:00:00Z") });
    const { deps, postStatus } = dependencies();

    const result = await TOOL_IMPLEMENTATIONS.getOrder(IDENTITY, { ...INJECTED, orderId: "o-7" }, deps);

    expect(result).toMatchObject({ order: { orderId: "o-7" }, returnable: true, returnBy: "2026-06-07" });
    const inputs = ddb.commandCalls(GetCommand).map((c) => c.args[0].input);
    expect(inputs).toContainEqual({ TableName: ORDERS_TABLE, Key: { userId: USER, orderId: "o-7" } });
    expect(inputs).toContainEqual({ TableName: ENV.TENANTS_TABLE_NAME, Key: { tenantId: TENANT } });
    expect(JSON.stringify(inputs)).not.toMatch(new RegExp(`${OTHER_TENANT}|${OTHER_USER}`));
    expect(postStatus).toHaveBeenCalledWith(IDENTITY, STATUS_TEXT.getOrder("o-7"));
  });

  it("answers not_found for an order the user does not have", async () => {
    ddb.on(GetCommand, { TableName: ORDERS_TABLE }).resolves({});
    const { deps } = dependencies();
    expect(await TOOL_IMPLEMENTATIONS.getOrder(IDENTITY, { orderId: "o-404" }, deps)).toEqual({ error: "not_found" });
  });

  it("refuses a malformed orderId as bad_parameter before any client, read or status", async () => {
    const { deps, as, postStatus } = dependencies();
    const error = await TOOL_IMPLEMENTATIONS.getOrder(IDENTITY, { orderId: "../etc" }, deps).catch((e: unknown) => e);
    expect(codeOf(error)).toBe("bad_parameter");
    expect(as).not.toHaveBeenCalled();
    expect(postStatus).not.toHaveBeenCalled();
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe("status posting", () => {
  it("lets a data error through unchanged (the handler maps it), after the status post settled", async () => {
    const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException" });
    ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).rejects(denied);
    const { deps, postStatus } = dependencies();
    let settled = false;
    postStatus.mockImplementation(
      () => new Promise((resolve) => setTimeout(() => {
        settled = true;
        resolve("sent");
      }, 5)),
    );

    await expect(TOOL_IMPLEMENTATIONS.getReturnPolicy(IDENTITY, {}, deps)).rejects.toBe(denied);
    expect(settled).toBe(true);
  });
});

describe("parseOrderId", () => {
  it.each([
    ["o-1", "o-1"],
    ["A".repeat(64), "A".repeat(64)],
    [42, "42"],
    [0, "0"],
  ])("accepts %p as %p", (value, expected) => {
    expect(parseOrderId(value)).toBe(expected);
  });

  it.each([[undefined], [""], ["a".repeat(65)], ["o 1"], ["o/1"], ["o-1' OR '1"], [-1], [1.5], [true], [["o-1"]]])(
    "refuses %p as bad_parameter",
    (value) => {
      let error: unknown;
      try {
        parseOrderId(value);
      } catch (e) {
        error = e;
      }
      expect(codeOf(error)).toBe("bad_parameter");
    },
  );
});

/**
 * Tenant data reads: the table each read names and the key it uses, always the verified
 * identity's (DynamoDB's LeadingKeys condition denies any other), and bounded paging.
 */
describe("tenant data", () => {
  const CONFIG = { tenantsTableName: ENV.TENANTS_TABLE_NAME, ordersTablePrefix: ENV.ORDERS_TABLE_PREFIX, usageTableName: ENV.USAGE_TABLE_NAME };
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
});
