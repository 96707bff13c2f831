/**
 * The tools behind the function schema. Each takes the verified SessionIdentity (never
 * an identity from its parameters) and reads tenant data only through the client built
 * from that identity's scoped credentials. `Record<ToolName, …>` makes the compiler
 * demand an implementation for every tool of the schema.
 */
import type { ToolName } from "./function-schema";
import type { ActionGroupConfig } from "./config";
import { ToolError } from "./errors";
import type { SessionIdentity } from "./identity";
import type { ScopedClientCache } from "./scoped-clients";
import type { StatusPoster } from "./status";
import { TenantData } from "./tenant-data";
import {
  notFoundResult,
  orderResult,
  ordersResult,
  returnPolicyResult,
  tenantSettings,
  type ToolResult,
} from "./tool-results";

export interface ToolDependencies {
  config: Pick<ActionGroupConfig, "tenantsTableName" | "ordersTablePrefix">;
  clients: Pick<ScopedClientCache, "clientFor">;
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
  return new TenantData(deps.clients.clientFor(identity.credentials, deps.now()), deps.config);
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
};
