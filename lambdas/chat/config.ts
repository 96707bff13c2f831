/**
 * The chat function's environment contract, defined once: the config type, the pure
 * `toEnvironment` that infra/ and the local stack call to build the function's
 * environment, and the loader that parses it back (plus the two variables the Lambda
 * runtime sets itself). Errors name the offending variables, never their values.
 *
 * Checked without zod (common/environment-checks.ts): the entry loads this module at start,
 * and building zod schemas there was a sixth of the function's cold start
 * (docs/performance.md, "Cold start").
 */
import { isPermittedJwksUrl } from "../authorizer/config";
import {
  type Check,
  checkEnvironment,
  httpUrl,
  matching,
  optionalHttpUrl,
  powertoolsVariables,
  required,
  subprotocolName,
} from "../common/environment-checks";
import { FunctionConfigError, type Environment } from "../common/startup";
import { TENANT_ID_PATTERN } from "../common/identifiers";
import type { TenantBudgets, TokenBudget } from "./budgets";

/** What the deployer decides; `toEnvironment` writes exactly this. */
export interface ChatSettings {
  connectionsTableName: string;
  /** Read only with the caller's scoped credentials, for their own tenant's display name (I3). */
  tenantsTableName: string;
  tenantAccessRoleArn: string;
  agentId: string;
  agentAliasId: string;
  /** The stage's knowledge base: every InvokeAgent filters it to the caller's tenant (I18). */
  knowledgeBaseId: string;
  /** https://{apiId}.execute-api.{region}.amazonaws.com/{stage} on AWS. */
  managementEndpoint: string;
  appProtocol: string;
  /** Per-user ask counters (one conditional UpdateItem per ask). */
  limitsTableName: string;
  /** Whole number, 1–1000: asks one user may make per fixed one-minute window (ask-rate-limit.ts). */
  asksPerUserPerMinute: number;
  /** Offboarding records (I17): read, never written, by the chat function. */
  revocationsTableName: string;
  /** Usage counters and answer records (I22): written only, by UpdateItem and PutItem. */
  usageTableName: string;
  /** Whole number, 1–3650: days an answer record (and a counter, after its day or month) is kept. */
  usageRetentionDays: number;
  /** Whole number, 1–1000000: tokens an answer reserves on each budgeted counter (budgets.ts). */
  reserveTokensPerAnswer: number;
  /** tenantId → its token budget, for the tenants that have one (I21); others are unlimited. */
  budgets: TenantBudgets;
  /**
   * What a `renew` frame's ID token is verified against: exactly the authorizer's settings
   * (I2), so a renewal is accepted only where a `$connect` would be.
   */
  idTokens: IdTokenSettings;
  /** CloudWatch namespace of the per-tenant metrics (answer-metrics.ts): one per stage. */
  metricsNamespace: string;
}

/** The authorizer's verification settings (lambdas/authorizer/config.ts), minus the subprotocol. */
export interface IdTokenSettings {
  userPoolId: string;
  clientId: string;
  tenantIds: ReadonlySet<string>;
  /** Set for a non-AWS issuer (the local stack's cognito-local). */
  issuerOverride?: { issuer: string; jwksUri: string };
}

export interface ChatConfig extends ChatSettings {
  /** This function's own name: the answer step is an asynchronous Invoke of it. */
  functionName: string;
  region: string;
}

/** The variables `toEnvironment` sets: the keys the loader's schema must cover. */
export interface ChatEnvironment {
  CONNECTIONS_TABLE_NAME: string;
  TENANTS_TABLE_NAME: string;
  TENANT_ACCESS_ROLE_ARN: string;
  AGENT_ID: string;
  AGENT_ALIAS_ID: string;
  KNOWLEDGE_BASE_ID: string;
  WEBSOCKET_MANAGEMENT_ENDPOINT: string;
  APP_PROTOCOL: string;
  LIMITS_TABLE_NAME: string;
  ASKS_PER_USER_PER_MINUTE: string;
  REVOCATIONS_TABLE_NAME: string;
  USAGE_TABLE_NAME: string;
  USAGE_RETENTION_DAYS: string;
  RESERVE_TOKENS_PER_ANSWER: string;
  /** JSON: `{"<tenantId>": {"monthlyTokens"?, "dailyTokens"?, "userDailyTokens"?}}`. */
  TENANT_BUDGETS: string;
  USER_POOL_ID: string;
  USER_POOL_CLIENT_ID: string;
  /** Comma-separated tenant ids, as the authorizer's. */
  TENANT_IDS: string;
  JWT_ISSUER?: string;
  JWKS_URI?: string;
  POWERTOOLS_METRICS_NAMESPACE: string;
  POWERTOOLS_SERVICE_NAME: string;
  POWERTOOLS_LOG_LEVEL: string;
}

export class ChatConfigError extends FunctionConfigError {
  override readonly name = "ChatConfigError";
}

/**
 * Lambda allows 4 KB for all of a function's variables together; budgets grow with the
 * tenants that have one, so they get a share of it, and a deploy that exceeds it fails here
 * with a clear message instead of at the Lambda API.
 */
export const MAX_TENANT_BUDGETS_CHARS = 2048;

/** Pure: the budgets as the TENANT_BUDGETS variable (only the limits that are set). */
export function budgetsVariable(budgets: TenantBudgets): string {
  const text = JSON.stringify(budgets);
  if (text.length > MAX_TENANT_BUDGETS_CHARS) {
    throw new ChatConfigError(
      `chat config: the tenants' budgets take ${text.length} characters in TENANT_BUDGETS, more than ${MAX_TENANT_BUDGETS_CHARS} of Lambda's 4 KB environment`,
    );
  }
  return text;
}

/** Pure: the environment infra/ and the local stack give the chat function. */
export function toEnvironment(settings: ChatSettings, logLevel = "INFO"): ChatEnvironment {
  return {
    CONNECTIONS_TABLE_NAME: settings.connectionsTableName,
    TENANTS_TABLE_NAME: settings.tenantsTableName,
    TENANT_ACCESS_ROLE_ARN: settings.tenantAccessRoleArn,
    AGENT_ID: settings.agentId,
    AGENT_ALIAS_ID: settings.agentAliasId,
    KNOWLEDGE_BASE_ID: settings.knowledgeBaseId,
    WEBSOCKET_MANAGEMENT_ENDPOINT: settings.managementEndpoint,
    APP_PROTOCOL: settings.appProtocol,
    LIMITS_TABLE_NAME: settings.limitsTableName,
    ASKS_PER_USER_PER_MINUTE: String(settings.asksPerUserPerMinute),
    REVOCATIONS_TABLE_NAME: settings.revocationsTableName,
    USAGE_TABLE_NAME: settings.usageTableName,
    USAGE_RETENTION_DAYS: String(settings.usageRetentionDays),
    RESERVE_TOKENS_PER_ANSWER: String(settings.reserveTokensPerAnswer),
    TENANT_BUDGETS: budgetsVariable(settings.budgets),
    USER_POOL_ID: settings.idTokens.userPoolId,
    USER_POOL_CLIENT_ID: settings.idTokens.clientId,
    TENANT_IDS: [...settings.idTokens.tenantIds].join(","),
    ...(settings.idTokens.issuerOverride
      ? { JWT_ISSUER: settings.idTokens.issuerOverride.issuer, JWKS_URI: settings.idTokens.issuerOverride.jwksUri }
      : {}),
    POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace,
    POWERTOOLS_SERVICE_NAME: "chat",
    POWERTOOLS_LOG_LEVEL: logLevel,
  };
}

/** One or more tenant ids (identifiers.ts TENANT_ID_PATTERN), comma-separated. */
const TENANT_ID = TENANT_ID_PATTERN.source.slice(1, -1);
const TENANT_ID_LIST_PATTERN = new RegExp(`^${TENANT_ID}(?:,${TENANT_ID})*$`);

// `satisfies` makes the compiler fail when ChatEnvironment gains a key these checks ignore.
const environmentChecks = {
  CONNECTIONS_TABLE_NAME: required,
  TENANTS_TABLE_NAME: required,
  TENANT_ACCESS_ROLE_ARN: matching(/^arn:[a-z-]+:iam::\d{12}:role\/.+$/, "must be an IAM role ARN"),
  AGENT_ID: required,
  AGENT_ALIAS_ID: required,
  // Bedrock knowledge base ids are 10 upper-case alphanumerics.
  KNOWLEDGE_BASE_ID: matching(/^[0-9A-Z]{10}$/, "must be a knowledge base id (10 of [0-9A-Z])"),
  WEBSOCKET_MANAGEMENT_ENDPOINT: httpUrl,
  APP_PROTOCOL: subprotocolName,
  LIMITS_TABLE_NAME: required,
  // The ranges as patterns (leading zeros allowed).
  ASKS_PER_USER_PER_MINUTE: matching(/^0*(?:[1-9]\d{0,2}|1000)$/, "must be a whole number between 1 and 1000"),
  REVOCATIONS_TABLE_NAME: required,
  USAGE_TABLE_NAME: required,
  USAGE_RETENTION_DAYS: matching(/^0*(?:[1-9]\d{0,2}|[1-2]\d{3}|3[0-5]\d{2}|36[0-4]\d|3650)$/, "must be a whole number between 1 and 3650"),
  RESERVE_TOKENS_PER_ANSWER: matching(/^0*(?:[1-9]\d{0,5}|1000000)$/, "must be a whole number between 1 and 1000000"),
  TENANT_BUDGETS: required,
  USER_POOL_ID: required,
  USER_POOL_CLIENT_ID: required,
  TENANT_IDS: matching(TENANT_ID_LIST_PATTERN, "must be comma-separated tenant ids"),
  // Unset, empty and blank all mean "no override".
  JWT_ISSUER: optionalHttpUrl,
  JWKS_URI: optionalHttpUrl,
  // CloudWatch: 1-255 of letters, digits and . - _ / # : space, not starting with "AWS/".
  POWERTOOLS_METRICS_NAMESPACE: matching(
    /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/,
    "must be a CloudWatch namespace (1-255 of [A-Za-z0-9.-_/#: ], not AWS/…)",
  ),
  ...powertoolsVariables,
  // Set by the Lambda runtime (and by the local stack's function runner).
  AWS_LAMBDA_FUNCTION_NAME: required,
  AWS_REGION: required,
} satisfies Record<keyof ChatEnvironment | "AWS_LAMBDA_FUNCTION_NAME" | "AWS_REGION", Check>;

/** The variables the checks guarantee are set. */
type RequiredVariable = Exclude<keyof typeof environmentChecks, "JWT_ISSUER" | "JWKS_URI" | "POWERTOOLS_SERVICE_NAME" | "POWERTOOLS_LOG_LEVEL">;

const BUDGET_KEYS = new Set(["monthlyTokens", "dailyTokens", "userDailyTokens"]);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** One tenant's budget: only the three limits, each unset or a positive whole number. */
function isTokenBudget(value: unknown): value is TokenBudget {
  if (!isPlainObject(value)) return false;
  return Object.entries(value).every(([key, limit]) => BUDGET_KEYS.has(key) && (limit === undefined || (Number.isSafeInteger(limit) && (limit as number) > 0)));
}

/** TENANT_BUDGETS parsed; the error names the variable, never its value. */
export function parseBudgets(text: string): TenantBudgets {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ChatConfigError("chat config: TENANT_BUDGETS must be JSON");
  }
  if (!isPlainObject(raw) || !Object.entries(raw).every(([tenantId, budget]) => TENANT_ID_PATTERN.test(tenantId) && isTokenBudget(budget))) {
    throw new ChatConfigError("chat config: TENANT_BUDGETS must map tenant ids to {monthlyTokens?, dailyTokens?, userDailyTokens?} (positive whole numbers)");
  }
  return raw as Record<string, TokenBudget>;
}

export function loadChatConfig(env: Environment = process.env): ChatConfig {
  const e = checkEnvironment<typeof environmentChecks, RequiredVariable>(environmentChecks, env, "chat config", ChatConfigError);
  if ((e.JWT_ISSUER === undefined) !== (e.JWKS_URI === undefined)) {
    throw new ChatConfigError("chat config: JWT_ISSUER and JWKS_URI must be set together");
  }
  if (e.JWKS_URI !== undefined && !isPermittedJwksUrl(e.JWKS_URI)) {
    throw new ChatConfigError("chat config: JWKS_URI must be https, or http on a loopback host");
  }
  return {
    connectionsTableName: e.CONNECTIONS_TABLE_NAME,
    tenantsTableName: e.TENANTS_TABLE_NAME,
    tenantAccessRoleArn: e.TENANT_ACCESS_ROLE_ARN,
    agentId: e.AGENT_ID,
    agentAliasId: e.AGENT_ALIAS_ID,
    knowledgeBaseId: e.KNOWLEDGE_BASE_ID,
    managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT,
    appProtocol: e.APP_PROTOCOL,
    limitsTableName: e.LIMITS_TABLE_NAME,
    asksPerUserPerMinute: Number(e.ASKS_PER_USER_PER_MINUTE),
    revocationsTableName: e.REVOCATIONS_TABLE_NAME,
    usageTableName: e.USAGE_TABLE_NAME,
    usageRetentionDays: Number(e.USAGE_RETENTION_DAYS),
    reserveTokensPerAnswer: Number(e.RESERVE_TOKENS_PER_ANSWER),
    budgets: parseBudgets(e.TENANT_BUDGETS),
    idTokens: {
      userPoolId: e.USER_POOL_ID,
      clientId: e.USER_POOL_CLIENT_ID,
      tenantIds: new Set(e.TENANT_IDS.split(",")),
      ...(e.JWT_ISSUER && e.JWKS_URI ? { issuerOverride: { issuer: e.JWT_ISSUER, jwksUri: e.JWKS_URI } } : {}),
    },
    metricsNamespace: e.POWERTOOLS_METRICS_NAMESPACE,
    functionName: e.AWS_LAMBDA_FUNCTION_NAME,
    region: e.AWS_REGION,
  };
}
