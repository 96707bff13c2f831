/**
 * Everything the route handlers and the answer step use, passed in explicitly so tests
 * build them with mocked clients, a fixed clock and an instant sleep; and the real ones:
 * SDK clients created once per execution environment (module scope, on first use) and
 * reused by every invocation, with the credentials cache that makes repeat answers for a
 * user cost no STS call. Endpoints are the SDK defaults, so the local stack redirects them
 * with AWS_ENDPOINT_URL_* without any code here knowing.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { BedrockAgentRuntimeClient } from "@aws-sdk/client-bedrock-agent-runtime";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ConnectionStore } from "../common/connections";
import { RevocationStore } from "../common/revocations";
import { ScopedCredentialsProvider } from "../common/scoped-credentials";
import { type ChatMetrics, createChatMetrics } from "./answer-metrics";
import { AskRateLimiter } from "./ask-rate-limit";
import type { ChatConfig } from "./config";
import { createIdTokenCheck, type IdTokenCheck } from "./renew-route";
import { type StopRequestStore, StopRequests } from "./stop-requests";
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
  api: ApiGatewayManagementApiClient;
  lambda: LambdaClient;
  agent: BedrockAgentRuntimeClient;
  credentials: ScopedCredentialsProvider;
  logger: Logger;
  /** Per-tenant EMF metrics (answer-metrics.ts). */
  metrics: ChatMetrics;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): backoff jitter. */
  random: () => number;
}

export function createDependencies(config: ChatConfig, logger: Logger): ChatDependencies {
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
    idTokens: createIdTokenCheck(config),
    api: new ApiGatewayManagementApiClient({ region, endpoint: config.managementEndpoint }),
    lambda: new LambdaClient({ region }),
    // One retry policy, ours (answer.ts), which knows whether text was already streamed;
    // the SDK's own retries would multiply with it.
    agent: new BedrockAgentRuntimeClient({ region, maxAttempts: 1 }),
    credentials: new ScopedCredentialsProvider(new STSClient({ region }), { roleArn: config.tenantAccessRoleArn }),
    logger,
    metrics: createChatMetrics(config.metricsNamespace),
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  };
}
