/**
 * The action group's configuration, parsed once from the environment that
 * `actionGroupEnvironment()` (infra/function-environment.ts) builds, plus the Lambda
 * runtime's AWS_REGION. Errors name the offending variables and never echo their values.
 */
// zod/mini: this file is bundled into the action-group Lambda, where classic zod costs ~85 KB.
import * as z from "zod/mini";
import type { ActionGroupEnvironment } from "../../infra/function-environment";
import { httpUrl, parseEnvironment, powertoolsVariables, required, type Environment } from "../shared/environment";
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

// `satisfies` makes the compiler fail when ActionGroupEnvironment gains a key this schema ignores.
const environmentShape = {
  TENANTS_TABLE_NAME: required.check(z.regex(TABLE_NAME, "must be a DynamoDB table name")),
  ORDERS_TABLE_PREFIX: required.check(z.regex(TABLE_PREFIX, "must be a DynamoDB table name prefix")),
  CONNECTIONS_TABLE_NAME: required.check(z.regex(TABLE_NAME, "must be a DynamoDB table name")),
  WEBSOCKET_MANAGEMENT_ENDPOINT: httpUrl,
  ...powertoolsVariables,
} satisfies Record<keyof ActionGroupEnvironment, z.ZodMiniType>;

const environmentSchema = z.object({
  ...environmentShape,
  // Set by the Lambda runtime (and by the local stack's Lambda stand-in).
  AWS_REGION: required,
});

export function loadActionGroupConfig(env: Environment = process.env): ActionGroupConfig {
  const e = parseEnvironment(environmentSchema, env, "action-group config", ActionGroupConfigError);
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
