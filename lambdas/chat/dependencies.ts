/**
 * Everything the route handlers and the answer step use, passed in explicitly so tests
 * build them with mocked clients, a fixed clock and an instant sleep.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { BedrockAgentRuntimeClient } from "@aws-sdk/client-bedrock-agent-runtime";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { ConnectionStore } from "../shared/connections";
import type { ScopedCredentialsProvider } from "../shared/scoped-credentials";
import type { AskRateLimiter } from "./ask-rate-limit";
import type { ChatConfig } from "./config";

export interface ChatDependencies {
  config: ChatConfig;
  connections: ConnectionStore;
  askLimiter: AskRateLimiter;
  api: ApiGatewayManagementApiClient;
  lambda: LambdaClient;
  agent: BedrockAgentRuntimeClient;
  credentials: ScopedCredentialsProvider;
  logger: Logger;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): backoff jitter. */
  random: () => number;
}
