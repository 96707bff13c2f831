/**
 * Everything the route handlers and the answer step use, passed in explicitly so tests
 * build them with mocked clients, a fixed clock and an instant sleep; and the real ones:
 * SDK clients created once per execution environment (module scope, on first use) and
 * reused by every invocation, with the credentials cache that makes repeat answers for a
 * user cost no STS call. Endpoints are the SDK defaults, so the local stack redirects them
 * with AWS_ENDPOINT_URL_* without any code here knowing.
 *
 * Built per route, in three parts, so a route loads only the clients it uses (the entry
 * imports each part when a route first needs it): DynamoDB and the management API here;
 * the Lambda client of the ask route's hand-off and the token verifier of `renew` frames in
 * ask-clients.ts; the Bedrock and STS
 * clients of the answer step in answer-clients.ts.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { BedrockAgentRuntimeClient } from "@aws-sdk/client-bedrock-agent-runtime";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ConnectionStore, KnownOwners } from "../common/connections";
import { RevocationStore } from "../common/revocations";
import type { ScopedCredentialsProvider } from "../common/scoped-credentials";
import { SDK_CLIENT_SPEED } from "../common/sdk-client-speed";
import { type ChatMetrics, createChatMetrics } from "./answer-metrics";
import { AskRateLimiter } from "./ask-rate-limit";
import type { ChatConfig } from "./config";
import type { IdTokenCheck } from "./renew-route";
import { type StopRequestStore, StopRequests } from "./stop-requests";
import type { TenantNameReader } from "./tenant-names";
import { UsageMeter } from "./usage-meter";

export interface ChatDependencies {
  config: ChatConfig;
  connections: ConnectionStore;
  askLimiter: AskRateLimiter;
  /** Stop markers on the limits table (stop-requests.ts). */
  stopRequests: StopRequestStore;
  /** Offboarding records (I17), cached ≤ 1 s per user. */
  revocations: RevocationStore;
  /** Budgets reserved before the model is called (I21); usage recorded when the answer ends (I22). */
  usage: UsageMeter;
  /** The authorizer's ID-token verification, for `renew` frames (I2). */
  idTokens: IdTokenCheck;
  /**
   * Connection owners this environment has read (I6): the ask route's and the answer step's
   * checks are remembered, so neither reads the owner again in the same environment while
   * the caller's token serves (connections.ts, routes.ts). Unset: every check reads it.
   */
  knownOwners?: KnownOwners;
  api: ApiGatewayManagementApiClient;
  lambda: LambdaClient;
  agent: BedrockAgentRuntimeClient;
  credentials: ScopedCredentialsProvider;
  /** The caller's tenant display name, read with their scoped credentials (hello-route.ts). */
  tenantNames: Pick<TenantNameReader, "nameOf">;
  logger: Logger;
  /** Per-tenant EMF metrics (answer-metrics.ts). */
  metrics: ChatMetrics;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): backoff jitter. */
  random: () => number;
}

/** Every route's part: no Lambda, Bedrock or STS client, no token verifier. */
export type BaseDependencies = Omit<ChatDependencies, "lambda" | "agent" | "credentials" | "idTokens" | "tenantNames">;
/** `$connect` and `$disconnect`. */
export type ConnectDependencies = Pick<ChatDependencies, "config" | "connections" | "knownOwners" | "revocations" | "logger" | "now">;
/** Client frames (`ask`, `stop`, `renew`, `ping`): the hand-off needs the Lambda client, a renewal the token verifier. */
export type MessageDependencies = BaseDependencies & Pick<ChatDependencies, "lambda" | "idTokens" | "tenantNames">;
/** The answer step: the agent and the scoped credentials. */
export type AnswerDependencies = BaseDependencies & Pick<ChatDependencies, "agent" | "credentials">;

/** The management API and Lambda clients' setting (lambdas/common/sdk-client-speed.ts). */
export { SDK_CLIENT_SPEED };

export function createBaseDependencies(config: ChatConfig, logger: Logger): BaseDependencies {
  const region = config.region;
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    config,
    connections: new ConnectionStore(documents, config.connectionsTableName),
    askLimiter: new AskRateLimiter(documents, config.limitsTableName, config.asksPerUserPerMinute),
    stopRequests: new StopRequests(documents, config.limitsTableName),
    revocations: new RevocationStore(documents, config.revocationsTableName),
    usage: new UsageMeter(documents, {
      tableName: config.usageTableName,
      retentionDays: config.usageRetentionDays,
      reserveTokensPerAnswer: config.reserveTokensPerAnswer,
      budgets: config.budgets,
    }),
    knownOwners: new KnownOwners(),
    api: new ApiGatewayManagementApiClient({ region, endpoint: config.managementEndpoint, ...SDK_CLIENT_SPEED }),
    logger,
    metrics: createChatMetrics(config.metricsNamespace),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  };
}
