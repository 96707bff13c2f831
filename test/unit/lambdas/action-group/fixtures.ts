/** Events and identities for the action-group tests. Values are fake but well-formed. */
import type { SessionAttributes } from "../../../../lambdas/common/session-attributes";

export const TENANT = "tenant1";
export const OTHER_TENANT = "tenant2";
export const USER = "11111111-2222-4333-8444-555555555555";
export const OTHER_USER = "99999999-8888-4777-8666-555555555555";
export const ANSWER_ID = `${USER}.answer-1`;
export const CONNECTION_ID = "conn-abc=";

export const SCOPED_KEY = "ASIASCOPEDKEY0000001";
export const SCOPED_SECRET = "scoped-secret-value-do-not-log";
export const SCOPED_TOKEN = "scoped-session-token-do-not-log";

/** What the default credential chain finds in tests (the function's "own role"). */
export const ROLE_KEY = "ASIAROLEKEY000000001";
export const ROLE_SECRET = "role-secret-value";
export const ROLE_TOKEN = "role-session-token";

export const ENV = {
  AWS_REGION: "eu-west-1",
  TENANTS_TABLE_NAME: "mta-dev-tenants",
  ORDERS_TABLE_PREFIX: "mta-dev-orders-",
  CONNECTIONS_TABLE_NAME: "mta-dev-connections",
  WEBSOCKET_MANAGEMENT_ENDPOINT: "http://127.0.0.1:9/dev",
  USAGE_TABLE_NAME: "mta-dev-usage",
  POWERTOOLS_SERVICE_NAME: "action-group",
  POWERTOOLS_LOG_LEVEL: "INFO",
} as const;

/** Puts the env the Pulumi program / local stack would give the function, plus role credentials. */
export function installFunctionEnvironment(): void {
  Object.assign(process.env, ENV, {
    AWS_ACCESS_KEY_ID: ROLE_KEY,
    AWS_SECRET_ACCESS_KEY: ROLE_SECRET,
    AWS_SESSION_TOKEN: ROLE_TOKEN,
  });
}

export function sessionAttributes(overrides: Partial<SessionAttributes> = {}): SessionAttributes {
  return {
    tenantId: TENANT,
    userId: USER,
    answerId: ANSWER_ID,
    connectionId: CONNECTION_ID,
    accessKeyId: SCOPED_KEY,
    secretAccessKey: SCOPED_SECRET,
    sessionToken: SCOPED_TOKEN,
    credentialsExpiration: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
    ...overrides,
  };
}

export interface EventOptions {
  parameters?: { name: string; type: string; value: string }[];
  sessionAttributes?: Record<string, unknown>;
}

export function bedrockEvent(fn: string, options: EventOptions = {}): Record<string, unknown> {
  return {
    messageVersion: "1.0",
    actionGroup: "tenant-orders",
    function: fn,
    agent: { name: "assistant", id: "AGENT1", alias: "ALIAS1", version: "1" },
    parameters: options.parameters ?? [],
    inputText: "what is my return policy?",
    sessionId: `${USER}.conversation-1`,
    sessionAttributes: options.sessionAttributes ?? sessionAttributes(),
    promptSessionAttributes: {},
  };
}
