/**
 * Each function's environment, built by pure functions that the Pulumi program
 * (with resolved outputs) and the local stack both call. The interfaces' keys are the
 * environment variable names the handlers read: one contract, checked by the compiler.
 */

export interface AuthorizerEnvironment {
  USER_POOL_ID: string;
  USER_POOL_CLIENT_ID: string;
  /** Comma-separated tenant ids that may sign in. */
  TENANT_IDS: string;
  APP_PROTOCOL: string;
  /**
   * Issuer and JWKS override for a non-AWS issuer (the local stack's cognito-local).
   * The token is still fully verified (signature, issuer, audience, token_use, expiry).
   */
  JWT_ISSUER?: string;
  JWKS_URI?: string;
  POWERTOOLS_SERVICE_NAME: string;
  POWERTOOLS_LOG_LEVEL: string;
}

export interface ChatEnvironment {
  CONNECTIONS_TABLE_NAME: string;
  TENANT_ACCESS_ROLE_ARN: string;
  AGENT_ID: string;
  AGENT_ALIAS_ID: string;
  /** https://{apiId}.execute-api.{region}.amazonaws.com/{stage} */
  WEBSOCKET_MANAGEMENT_ENDPOINT: string;
  APP_PROTOCOL: string;
  /** Per-user ask counters (one conditional UpdateItem per ask). */
  LIMITS_TABLE_NAME: string;
  /** Whole number, 1–1000: asks one user may make per fixed one-minute window. */
  ASKS_PER_USER_PER_MINUTE: string;
  POWERTOOLS_SERVICE_NAME: string;
  POWERTOOLS_LOG_LEVEL: string;
}

export interface ActionGroupEnvironment {
  TENANTS_TABLE_NAME: string;
  ORDERS_TABLE_PREFIX: string;
  CONNECTIONS_TABLE_NAME: string;
  WEBSOCKET_MANAGEMENT_ENDPOINT: string;
  POWERTOOLS_SERVICE_NAME: string;
  POWERTOOLS_LOG_LEVEL: string;
}

export interface AuthorizerEnvironmentArgs {
  userPoolId: string;
  userPoolClientId: string;
  tenantIds: readonly string[];
  appProtocol: string;
  issuer?: string;
  jwksUri?: string;
  logLevel?: string;
}

export function authorizerEnvironment(args: AuthorizerEnvironmentArgs): AuthorizerEnvironment {
  return {
    USER_POOL_ID: args.userPoolId,
    USER_POOL_CLIENT_ID: args.userPoolClientId,
    TENANT_IDS: args.tenantIds.join(","),
    APP_PROTOCOL: args.appProtocol,
    ...(args.issuer ? { JWT_ISSUER: args.issuer } : {}),
    ...(args.jwksUri ? { JWKS_URI: args.jwksUri } : {}),
    POWERTOOLS_SERVICE_NAME: "authorizer",
    POWERTOOLS_LOG_LEVEL: args.logLevel ?? "INFO",
  };
}

export interface ChatEnvironmentArgs {
  connectionsTableName: string;
  tenantAccessRoleArn: string;
  agentId: string;
  agentAliasId: string;
  managementEndpoint: string;
  appProtocol: string;
  limitsTableName: string;
  asksPerUserPerMinute: number;
  logLevel?: string;
}

export function chatEnvironment(args: ChatEnvironmentArgs): ChatEnvironment {
  return {
    CONNECTIONS_TABLE_NAME: args.connectionsTableName,
    TENANT_ACCESS_ROLE_ARN: args.tenantAccessRoleArn,
    AGENT_ID: args.agentId,
    AGENT_ALIAS_ID: args.agentAliasId,
    WEBSOCKET_MANAGEMENT_ENDPOINT: args.managementEndpoint,
    APP_PROTOCOL: args.appProtocol,
    LIMITS_TABLE_NAME: args.limitsTableName,
    ASKS_PER_USER_PER_MINUTE: String(args.asksPerUserPerMinute),
    POWERTOOLS_SERVICE_NAME: "chat",
    POWERTOOLS_LOG_LEVEL: args.logLevel ?? "INFO",
  };
}

export interface ActionGroupEnvironmentArgs {
  tenantsTableName: string;
  ordersTablePrefix: string;
  connectionsTableName: string;
  managementEndpoint: string;
  logLevel?: string;
}

export function actionGroupEnvironment(args: ActionGroupEnvironmentArgs): ActionGroupEnvironment {
  return {
    TENANTS_TABLE_NAME: args.tenantsTableName,
    ORDERS_TABLE_PREFIX: args.ordersTablePrefix,
    CONNECTIONS_TABLE_NAME: args.connectionsTableName,
    WEBSOCKET_MANAGEMENT_ENDPOINT: args.managementEndpoint,
    POWERTOOLS_SERVICE_NAME: "action-group",
    POWERTOOLS_LOG_LEVEL: args.logLevel ?? "INFO",
  };
}

/** Management API endpoint of a WebSocket API stage on AWS. */
export function managementEndpoint(apiId: string, region: string, stage: string): string {
  return `https://${apiId}.execute-api.${region}.amazonaws.com/${stage}`;
}
