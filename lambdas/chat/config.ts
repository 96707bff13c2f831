/**
 * The chat function's configuration, parsed once from the environment that
 * `chatEnvironment()` (infra/function-environment.ts) builds, plus the two variables the
 * Lambda runtime sets itself. Errors name the offending variables, never their values.
 */
// zod/mini: this file is bundled into the chat Lambda, where classic zod costs ~85 KB.
import * as z from "zod/mini";
import type { ChatEnvironment } from "../../infra/function-environment";
import { httpUrl, parseEnvironment, powertoolsVariables, required, subprotocolName, type Environment } from "../shared/environment";
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

// `satisfies` makes the compiler fail when ChatEnvironment gains a key this schema ignores.
const environmentShape = {
  CONNECTIONS_TABLE_NAME: required,
  TENANT_ACCESS_ROLE_ARN: required.check(z.regex(/^arn:[a-z-]+:iam::\d{12}:role\/.+$/, "must be an IAM role ARN")),
  AGENT_ID: required,
  AGENT_ALIAS_ID: required,
  WEBSOCKET_MANAGEMENT_ENDPOINT: httpUrl,
  APP_PROTOCOL: subprotocolName,
  LIMITS_TABLE_NAME: required,
  // The range as a pattern (leading zeros allowed): a pipe to z.number() would pull zod's pipe code (KBs) into the bundle.
  ASKS_PER_USER_PER_MINUTE: required.check(z.regex(/^0*(?:[1-9]\d{0,2}|1000)$/, "must be a whole number between 1 and 1000")),
  ...powertoolsVariables,
} satisfies Record<keyof ChatEnvironment, z.ZodMiniType>;

const environmentSchema = z.object({
  ...environmentShape,
  // Set by the Lambda runtime (and by the local stack's function runner).
  AWS_LAMBDA_FUNCTION_NAME: required,
  AWS_REGION: required,
});

export function loadChatConfig(env: Environment = process.env): ChatConfig {
  const e = parseEnvironment(environmentSchema, env, "chat config", ChatConfigError);
  return {
    connectionsTableName: e.CONNECTIONS_TABLE_NAME,
    tenantAccessRoleArn: e.TENANT_ACCESS_ROLE_ARN,
    agentId: e.AGENT_ID,
    agentAliasId: e.AGENT_ALIAS_ID,
    managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT,
    appProtocol: e.APP_PROTOCOL,
    limitsTableName: e.LIMITS_TABLE_NAME,
    asksPerUserPerMinute: Number(e.ASKS_PER_USER_PER_MINUTE),
    functionName: e.AWS_LAMBDA_FUNCTION_NAME,
    region: e.AWS_REGION,
  };
}
