/**
 * The action group's environment contract, defined once: the config type, the pure
 * `toEnvironment` that infra/ and the local stack call, and the loader that parses it back
 * (plus the Lambda runtime's AWS_REGION). Errors name the offending variables and never
 * echo their values. The action group never learns the tenant-access role or the agent:
 * it only uses the credentials it is handed.
 */
import { type Check, checkEnvironment, httpUrl, matching, powertoolsVariables, required, TABLE_NAME_PATTERN } from "../common/environment-checks";
import { FunctionConfigError, type Environment } from "../common/startup";

/** What the deployer decides; `toEnvironment` writes exactly this. */
export interface ActionGroupSettings {
  tenantsTableName: string;
  /** The per-tenant orders table is this prefix + tenantId. */
  ordersTablePrefix: string;
  connectionsTableName: string;
  managementEndpoint: string;
  /** Usage counters (lambdas/common/usage-keys.ts): getMyUsage reads the caller's own (I23). */
  usageTableName: string;
}

export interface ActionGroupConfig extends ActionGroupSettings {
  region: string;
}

/** The variables `toEnvironment` sets: the keys the loader's schema must cover. */
export interface ActionGroupEnvironment {
  TENANTS_TABLE_NAME: string;
  ORDERS_TABLE_PREFIX: string;
  CONNECTIONS_TABLE_NAME: string;
  WEBSOCKET_MANAGEMENT_ENDPOINT: string;
  USAGE_TABLE_NAME: string;
  POWERTOOLS_SERVICE_NAME: string;
  POWERTOOLS_LOG_LEVEL: string;
}

/** The function's environment is unusable: its invocations fail loudly. */
export class ActionGroupConfigError extends FunctionConfigError {
  override readonly name = "ActionGroupConfigError";
}

/** Pure: the environment infra/ and the local stack give the action-group function. */
export function toEnvironment(settings: ActionGroupSettings, logLevel = "INFO"): ActionGroupEnvironment {
  return {
    TENANTS_TABLE_NAME: settings.tenantsTableName,
    ORDERS_TABLE_PREFIX: settings.ordersTablePrefix,
    CONNECTIONS_TABLE_NAME: settings.connectionsTableName,
    WEBSOCKET_MANAGEMENT_ENDPOINT: settings.managementEndpoint,
    USAGE_TABLE_NAME: settings.usageTableName,
    POWERTOOLS_SERVICE_NAME: "action-group",
    POWERTOOLS_LOG_LEVEL: logLevel,
  };
}

/** A prefix that, followed by a tenant id (≤ 32 chars), still makes a valid table name. */
const TABLE_PREFIX = /^[a-zA-Z0-9_.-]{1,200}$/;

// `satisfies` makes the compiler fail when ActionGroupEnvironment gains a key these checks ignore.
const environmentChecks = {
  TENANTS_TABLE_NAME: matching(TABLE_NAME_PATTERN, "must be a DynamoDB table name"),
  ORDERS_TABLE_PREFIX: matching(TABLE_PREFIX, "must be a DynamoDB table name prefix"),
  CONNECTIONS_TABLE_NAME: matching(TABLE_NAME_PATTERN, "must be a DynamoDB table name"),
  WEBSOCKET_MANAGEMENT_ENDPOINT: httpUrl,
  USAGE_TABLE_NAME: matching(TABLE_NAME_PATTERN, "must be a DynamoDB table name"),
  ...powertoolsVariables,
  // Set by the Lambda runtime (and by the local stack's Lambda stand-in).
  AWS_REGION: required,
} satisfies Record<keyof ActionGroupEnvironment | "AWS_REGION", Check>;

type RequiredVariable = Exclude<keyof typeof environmentChecks, "POWERTOOLS_SERVICE_NAME" | "POWERTOOLS_LOG_LEVEL">;

export function loadActionGroupConfig(env: Environment = process.env): ActionGroupConfig {
  const e = checkEnvironment<typeof environmentChecks, RequiredVariable>(environmentChecks, env, "action-group config", ActionGroupConfigError);
  return {
    region: e.AWS_REGION,
    tenantsTableName: e.TENANTS_TABLE_NAME,
    ordersTablePrefix: e.ORDERS_TABLE_PREFIX,
    connectionsTableName: e.CONNECTIONS_TABLE_NAME,
    managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT,
    usageTableName: e.USAGE_TABLE_NAME,
  };
}

export function ordersTableName(config: Pick<ActionGroupConfig, "ordersTablePrefix">, tenantId: string): string {
  return `${config.ordersTablePrefix}${tenantId}`;
}
