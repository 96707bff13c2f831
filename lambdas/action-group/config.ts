/**
 * The action group's configuration, parsed once from the environment that
 * `actionGroupEnvironment()` (infra/function-environment.ts) builds, plus the Lambda
 * runtime's AWS_REGION. Errors name the offending variables and never echo their values.
 */
import * as z from "zod";
import type { ActionGroupEnvironment } from "../../infra/function-environment";
import { ActionGroupConfigError } from "./errors";

export interface ActionGroupConfig {
  region: string;
  tenantsTableName: string;
  /** The per-tenant orders table is this prefix + tenantId. */
  ordersTablePrefix: string;
  connectionsTableName: string;
  managementEndpoint: string;
}

/** DynamoDB table names: 3–255 of [a-zA-Z0-9_.-]. */
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;
/** A prefix that, followed by a tenant id (≤ 32 chars), still makes a valid table name. */
const TABLE_PREFIX = /^[a-zA-Z0-9_.-]{1,200}$/;

const required = z.string({ error: "is required" }).trim().min(1, "is required");

// `satisfies` makes the compiler fail when ActionGroupEnvironment gains a key this schema ignores.
const environmentShape = {
  TENANTS_TABLE_NAME: required.regex(TABLE_NAME, "must be a DynamoDB table name"),
  ORDERS_TABLE_PREFIX: required.regex(TABLE_PREFIX, "must be a DynamoDB table name prefix"),
  CONNECTIONS_TABLE_NAME: required.regex(TABLE_NAME, "must be a DynamoDB table name"),
  WEBSOCKET_MANAGEMENT_ENDPOINT: required.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
  // Read by Powertools itself; listed so the contract stays complete.
  POWERTOOLS_SERVICE_NAME: z.string().optional(),
  POWERTOOLS_LOG_LEVEL: z.string().optional(),
} satisfies Record<keyof ActionGroupEnvironment, z.ZodType>;

const environmentSchema = z.object({
  ...environmentShape,
  // Set by the Lambda runtime (and by the local stack's Lambda stand-in).
  AWS_REGION: required,
});

export function loadActionGroupConfig(env: Record<string, string | undefined> = process.env): ActionGroupConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ActionGroupConfigError(`action-group config: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    region: e.AWS_REGION,
    tenantsTableName: e.TENANTS_TABLE_NAME,
    ordersTablePrefix: e.ORDERS_TABLE_PREFIX,
    connectionsTableName: e.CONNECTIONS_TABLE_NAME,
    managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT,
  };
}

export function ordersTableName(config: Pick<ActionGroupConfig, "ordersTablePrefix">, tenantId: string): string {
  return `${config.ordersTablePrefix}${tenantId}`;
}
