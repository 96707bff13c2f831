/**
 * The tools behind the function schema. Each takes the verified SessionIdentity (never
 * an identity from its parameters) and reads tenant data only through the client built
 * from that identity's scoped credentials. `Record<ToolName, …>` makes the compiler
 * demand an implementation for every tool of the schema.
 */
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ScopedDocuments, ScopedDynamoDb } from "../common/scoped-dynamodb";
import { DAY_PREFIX, userPartition, utcMonth } from "../common/usage-keys";
import { type ActionGroupConfig, ordersTableName } from "./config";
import { ToolError } from "./errors";
import type { ToolName } from "./function-schema";
import type { SessionIdentity, StatusPoster } from "./session";
import {
  myUsageResult,
  notFoundResult,
  orderResult,
  ordersResult,
  returnPolicyResult,
  tenantSettings,
  type ToolResult,
} from "./tool-results";

/**
 * Reads of tenant data, always signed with the session's scoped credentials and always
 * keyed by the verified identity. DynamoDB + IAM (LeadingKeys
 * bound to the session tags) are the real isolation; these keys are what a correct
 * caller sends, so a correct caller is never denied.
 */
/** Upper bound on the order items read per listOrders call (the newest 50 of these are returned). */
export const MAX_ORDERS_READ = 200;
const QUERY_PAGE_SIZE = 100;

type Item = Record<string, unknown>;

export class TenantData {
  constructor(
    private readonly client: ScopedDocuments,
    private readonly config: Pick<ActionGroupConfig, "tenantsTableName" | "ordersTablePrefix" | "usageTableName">,
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

  /**
   * The user's daily usage counters of `now`'s UTC month: ONE Query of their own partition
   * `<tenantId>#<sub>` (the only usage key the scoped credentials may read, I23), bounded
   * to `day#` keys, so answer records in the same partition are not read.
   */
  async usageDays(tenantId: string, userId: string, now: Date): Promise<Item[]> {
    const month = utcMonth(now);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.config.usageTableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :first AND :last",
        ExpressionAttributeValues: { ":pk": userPartition(tenantId, userId), ":first": `${DAY_PREFIX}${month}-01`, ":last": `${DAY_PREFIX}${month}-31` },
        ProjectionExpression: "sk, asks, inputTokens, outputTokens",
      }),
    );
    return result.Items ?? [];
  }

  async orderItem(tenantId: string, userId: string, orderId: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: ordersTableName(this.config, tenantId), Key: { userId, orderId } }),
    );
    return result.Item;
  }
}

export interface ToolDependencies {
  config: Pick<ActionGroupConfig, "tenantsTableName" | "ordersTablePrefix" | "usageTableName">;
  /** The environment's one tenant-data client: each read is signed with the session's credentials (I4). */
  tenantTables: Pick<ScopedDynamoDb, "as">;
  postStatus: StatusPoster;
  now: () => Date;
}

/** What the resolver makes of a Bedrock parameter (Powertools does not export this type). */
export type ParameterValue = string | number | boolean | ParameterValue[];
export type ToolParameters = Record<string, ParameterValue>;

export type ToolImplementation = (
  identity: SessionIdentity,
  params: ToolParameters,
  deps: ToolDependencies,
) => Promise<ToolResult>;

export const ORDER_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** The orderId parameter, validated; anything else is `bad_parameter`. */
export function parseOrderId(value: ParameterValue | undefined): string {
  // The resolver turns parameters typed "integer"/"number" into numbers: accept plain integers back.
  const text = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof text !== "string" || !ORDER_ID_PATTERN.test(text)) {
    throw new ToolError("bad_parameter", "orderId must be 1-64 letters, digits or dashes.");
  }
  return text;
}

export const STATUS_TEXT = {
  getReturnPolicy: () => "Looking up your return policy…",
  listOrders: () => "Looking up your orders…",
  getOrder: (orderId: string) => `Looking up order ${orderId}…`,
  getMyUsage: () => "Looking up your usage…",
} as const;

/** Posts the status (best effort) as the data access starts; waits for both. */
async function withStatus<T>(
  deps: ToolDependencies,
  identity: SessionIdentity,
  text: string,
  work: () => Promise<T>,
): Promise<T> {
  const posted = deps.postStatus(identity, text);
  try {
    return await work();
  } finally {
    await posted;
  }
}

function tenantData(identity: SessionIdentity, deps: ToolDependencies): TenantData {
  return new TenantData(deps.tenantTables.as(identity.credentials), deps.config);
}

export const TOOL_IMPLEMENTATIONS: Record<ToolName, ToolImplementation> = {
  async getReturnPolicy(identity, _params, deps) {
    const data = tenantData(identity, deps);
    return withStatus(deps, identity, STATUS_TEXT.getReturnPolicy(), async () =>
      returnPolicyResult(tenantSettings(await data.tenantItem(identity.tenantId))),
    );
  },

  async listOrders(identity, _params, deps) {
    const data = tenantData(identity, deps);
    return withStatus(deps, identity, STATUS_TEXT.listOrders(), async () =>
      ordersResult(await data.orderItems(identity.tenantId, identity.userId)),
    );
  },

  async getOrder(identity, params, deps) {
    const orderId = parseOrderId(params.orderId);
    const data = tenantData(identity, deps);
    return withStatus(deps, identity, STATUS_TEXT.getOrder(orderId), async () => {
      const [order, tenant] = await Promise.all([
        data.orderItem(identity.tenantId, identity.userId, orderId),
        data.tenantItem(identity.tenantId),
      ]);
      if (!order) return notFoundResult();
      return orderResult(order, tenantSettings(tenant).returnPolicyDays, deps.now());
    });
  },

  async getMyUsage(identity, _params, deps) {
    const data = tenantData(identity, deps);
    const now = deps.now();
    return withStatus(deps, identity, STATUS_TEXT.getMyUsage(), async () =>
      myUsageResult(await data.usageDays(identity.tenantId, identity.userId, now), now),
    );
  },
};
