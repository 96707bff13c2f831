/**
 * The chat function's configuration, parsed once from the environment that
 * `chatEnvironment()` (infra/function-environment.ts) builds, plus the two variables the
 * Lambda runtime sets itself. Errors name the offending variables, never their values.
 */
import * as z from "zod";
import type { ChatEnvironment } from "../../infra/function-environment";
import { ChatConfigError } from "./errors";

export interface ChatConfig {
  connectionsTableName: string;
  tenantAccessRoleArn: string;
  agentId: string;
  agentAliasId: string;
  managementEndpoint: string;
  appProtocol: string;
  limitsTableName: string;
  /** Asks one user may make per fixed one-minute window (ask-rate-limit.ts). */
  asksPerUserPerMinute: number;
  /** This function's own name: the answer step is an asynchronous Invoke of it. */
  functionName: string;
  region: string;
}

/** RFC 7230 token characters: what a WebSocket subprotocol name may contain. */
const SUBPROTOCOL_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const required = z.string({ error: "is required" }).trim().min(1, "is required");

// `satisfies` makes the compiler fail when ChatEnvironment gains a key this schema ignores.
const environmentShape = {
  CONNECTIONS_TABLE_NAME: required,
  TENANT_ACCESS_ROLE_ARN: required.regex(/^arn:[a-z-]+:iam::\d{12}:role\/.+$/, "must be an IAM role ARN"),
  AGENT_ID: required,
  AGENT_ALIAS_ID: required,
  WEBSOCKET_MANAGEMENT_ENDPOINT: required.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
  APP_PROTOCOL: required.regex(SUBPROTOCOL_PATTERN, "must be a WebSocket subprotocol token"),
  LIMITS_TABLE_NAME: required,
  ASKS_PER_USER_PER_MINUTE: required
    .regex(/^\d{1,4}$/, "must be a whole number between 1 and 1000")
    .transform(Number)
    .pipe(z.number().min(1, "must be between 1 and 1000").max(1000, "must be between 1 and 1000")),
  // Read by Powertools itself; listed so the contract stays complete.
  POWERTOOLS_SERVICE_NAME: z.string().optional(),
  POWERTOOLS_LOG_LEVEL: z.string().optional(),
} satisfies Record<keyof ChatEnvironment, z.ZodType>;

const environmentSchema = z.object({
  ...environmentShape,
  // Set by the Lambda runtime (and by the local stack's function runner).
  AWS_LAMBDA_FUNCTION_NAME: required,
  AWS_REGION: required,
});

export function loadChatConfig(env: Record<string, string | undefined> = process.env): ChatConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new ChatConfigError(`chat config: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    connectionsTableName: e.CONNECTIONS_TABLE_NAME,
    tenantAccessRoleArn: e.TENANT_ACCESS_ROLE_ARN,
    agentId: e.AGENT_ID,
    agentAliasId: e.AGENT_ALIAS_ID,
    managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT,
    appProtocol: e.APP_PROTOCOL,
    limitsTableName: e.LIMITS_TABLE_NAME,
    asksPerUserPerMinute: e.ASKS_PER_USER_PER_MINUTE,
    functionName: e.AWS_LAMBDA_FUNCTION_NAME,
    region: e.AWS_REGION,
  };
}
