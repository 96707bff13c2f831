/**
 * The key schema of every DynamoDB table, one definition for the Pulumi program
 * (components/data.ts) and the local stack (local/dynamodb/tables.ts), with the pure conversions
 * each needs. Pure: names come from naming.ts, nothing here creates anything.
 */
import { USAGE_TTL_ATTRIBUTE } from "../lambdas/common/usage-keys";
import type { StackNames } from "./naming";

export type KeyAttributeType = "S" | "N" | "B";

export interface KeyAttribute {
  name: string;
  type: KeyAttributeType;
}

/** A global secondary index (hash key only, all attributes projected). */
export interface IndexSchema {
  name: string;
  hashKey: KeyAttribute;
}

export interface TableSchema {
  hashKey: KeyAttribute;
  rangeKey?: KeyAttribute;
  indexes: readonly IndexSchema[];
  /** The attribute DynamoDB expires items by (epoch seconds); undefined: items do not expire. */
  ttlAttribute?: string;
}

export type TableKind = "tenants" | "orders" | "connections" | "limits" | "revocations" | "usage";

/** Epoch seconds after which DynamoDB may delete a connection record or an ask counter. */
export const TTL_ATTRIBUTE = "ttl";


export function tableSchemas(names: Pick<StackNames, "connectionsUserIndex">): Record<TableKind, TableSchema> {
  return {
    // Pooled: one item per tenant.
    tenants: { hashKey: { name: "tenantId", type: "S" }, indexes: [] },
    // Siloed per tenant: a user's orders under their sub.
    orders: { hashKey: { name: "userId", type: "S" }, rangeKey: { name: "orderId", type: "S" }, indexes: [] },
    connections: {
      hashKey: { name: "connectionId", type: "S" },
      indexes: [{ name: names.connectionsUserIndex, hashKey: { name: "userId", type: "S" } }],
      ttlAttribute: TTL_ATTRIBUTE,
    },
    // One counter per user and minute (lambdas/chat/ask-rate-limit.ts).
    limits: { hashKey: { name: "limitKey", type: "S" }, indexes: [], ttlAttribute: TTL_ATTRIBUTE },
    // One offboarding record per user, kept until every token issued before it expired (I17).
    revocations: { hashKey: { name: "userId", type: "S" }, indexes: [], ttlAttribute: TTL_ATTRIBUTE },
    // Pooled usage: daily and monthly counters per tenant and per user, and one record per
    // answer, under the keys of lambdas/common/usage-keys.ts.
    usage: {
      hashKey: { name: "pk", type: "S" },
      rangeKey: { name: "sk", type: "S" },
      indexes: [],
      ttlAttribute: USAGE_TTL_ATTRIBUTE,
    },
  };
}

/** Every attribute a key of the table or of one of its indexes uses, once each (DynamoDB rejects unused ones). */
export function keyAttributes(schema: TableSchema): KeyAttribute[] {
  const all = [schema.hashKey, ...(schema.rangeKey ? [schema.rangeKey] : []), ...schema.indexes.map((i) => i.hashKey)];
  return all.filter((attribute, i) => all.findIndex((a) => a.name === attribute.name) === i);
}
