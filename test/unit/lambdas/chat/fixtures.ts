/**
 * Shared fixtures for the chat function's unit tests: realistic-looking (fake) identities,
 * tokens and credentials, WebSocket event builders, and dependencies wired to mocked
 * AWS clients. Not a test file (no `.test.ts`), imported by the tests.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { BedrockAgentRuntimeClient, type ResponseStream } from "@aws-sdk/client-bedrock-agent-runtime";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AwsStub } from "aws-sdk-client-mock";
import { UsageMeter } from "../../../../lambdas/chat/usage-meter";
import { StopRequests } from "../../../../lambdas/chat/stop-requests";
import { AskRateLimiter } from "../../../../lambdas/chat/ask-rate-limit";
import { createIdTokenCheck } from "../../../../lambdas/chat/renew-route";
import type { ChatConfig } from "../../../../lambdas/chat/config";
import type { ChatDependencies } from "../../../../lambdas/chat/dependencies";
import type { WebSocketEvent } from "../../../../lambdas/chat/routes";
import { connectionRecord, type ConnectionRecord, ConnectionStore } from "../../../../lambdas/common/connections";
import { createLogger } from "../../../../lambdas/common/logger";
import { type AnswerMetrics, ChatMetrics } from "../../../../lambdas/chat/answer-metrics";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { ServerEvent } from "../../../../lambdas/common/server-events";
import { ScopedCredentialsProvider } from "../../../../lambdas/common/scoped-credentials";
import { LATEST_REVOCATION_KEY, RevocationStore, revocationRecord } from "../../../../lambdas/common/revocations";

export const USER_A = "11111111-1111-4111-8111-111111111111";
export const USER_B = "22222222-2222-4222-8222-222222222222";
export const TENANT_A = "tenant1";
export const TENANT_B = "tenant2";
export const CONNECTION_A = "Ab1CdEfGhIJKLmn=";
export const CONNECTION_B = "Zz9YxWvUtSRQPon=";
export const APP_PROTOCOL = "mta.v1";
export const NOW = new Date("2026-11-02T10:00:00.000Z");
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
export const TOKEN_EXPIRES_AT = NOW_SECONDS + 3600;

/** Looks like a Cognito ID token (header.payload.signature), so a leak would be recognisable. */
export const FAKE_JWT =
  "eyJraWQiOiJsb2NhbC1rZXkiLCJhbGciOiJSUzI1NiJ9." +
  "eyJzdWIiOiIxMTExMTExMS0xMTExLTQxMTEtODExMS0xMTExMTExMTExMTEiLCJjdXN0b206dGVuYW50SWQiOiJ0ZW5hbnQxIn0." +
  "c2lnbmF0dXJlLXRoYXQtbG9va3MtcmVhbC1lbm91Z2gtdG8tbWF0dGVy";
export const FAKE_ACCESS_KEY_ID = "ASIAQXAMPLEFAKEKEY42";
export const FAKE_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKESECRET";
export const FAKE_SESSION_TOKEN =
  "IQoJb3JpZ2luX2VjEFAKEaCXVzLWVhc3QtMSJHMEUCIQDfakeSessionTokenValueThatIsLongEnoughToLookReal//////////";
export const CREDENTIALS_EXPIRATION = new Date(NOW.getTime() + 15 * 60 * 1000);

export const ROLE_ARN = "arn:aws:iam::123456789012:role/multi-tenant-assistant-test-tenant-access";

export const CHAT_ENV: Record<string, string> = {
  CONNECTIONS_TABLE_NAME: "multi-tenant-assistant-test-connections",
  TENANTS_TABLE_NAME: "multi-tenant-assistant-test-tenants",
  TENANT_ACCESS_ROLE_ARN: ROLE_ARN,
  AGENT_ID: "AGENT12345",
  AGENT_ALIAS_ID: "ALIAS12345",
  KNOWLEDGE_BASE_ID: "KBASE12345",
  WEBSOCKET_MANAGEMENT_ENDPOINT: "https://abc123.execute-api.us-east-1.amazonaws.com/test",
  APP_PROTOCOL,
  LIMITS_TABLE_NAME: "multi-tenant-assistant-test-limits",
  ASKS_PER_USER_PER_MINUTE: "30",
  REVOCATIONS_TABLE_NAME: "multi-tenant-assistant-test-revocations",
  USAGE_TABLE_NAME: "multi-tenant-assistant-test-usage",
  USAGE_RETENTION_DAYS: "90",
  RESERVE_TOKENS_PER_ANSWER: "2000",
  TENANT_BUDGETS: "{}",
  USER_POOL_ID: "us-east-1_AbCdEf123",
  USER_POOL_CLIENT_ID: "testclient123",
  TENANT_IDS: "tenant1,tenant2,tenant3",
  POWERTOOLS_METRICS_NAMESPACE: "multi-tenant-assistant/test",
  POWERTOOLS_SERVICE_NAME: "chat",
  POWERTOOLS_LOG_LEVEL: "INFO",
  AWS_LAMBDA_FUNCTION_NAME: "multi-tenant-assistant-test-chat",
  AWS_REGION: "us-east-1",
};

export const CONFIG: ChatConfig = {
  connectionsTableName: CHAT_ENV.CONNECTIONS_TABLE_NAME,
  tenantsTableName: CHAT_ENV.TENANTS_TABLE_NAME,
  tenantAccessRoleArn: ROLE_ARN,
  agentId: "AGENT12345",
  agentAliasId: "ALIAS12345",
  knowledgeBaseId: CHAT_ENV.KNOWLEDGE_BASE_ID,
  managementEndpoint: CHAT_ENV.WEBSOCKET_MANAGEMENT_ENDPOINT,
  appProtocol: APP_PROTOCOL,
  limitsTableName: CHAT_ENV.LIMITS_TABLE_NAME,
  asksPerUserPerMinute: 30,
  revocationsTableName: CHAT_ENV.REVOCATIONS_TABLE_NAME,
  usageTableName: CHAT_ENV.USAGE_TABLE_NAME,
  usageRetentionDays: 90,
  reserveTokensPerAnswer: 2000,
  budgets: {},
  idTokens: { userPoolId: "us-east-1_AbCdEf123", clientId: "testclient123", tenantIds: new Set(["tenant1", "tenant2", "tenant3"]) },
  metricsNamespace: CHAT_ENV.POWERTOOLS_METRICS_NAMESPACE,
  functionName: CHAT_ENV.AWS_LAMBDA_FUNCTION_NAME,
  region: "us-east-1",
};

export const authorizerContext = (userId = USER_A, tenantId = TENANT_A, tokenExpiresAt = TOKEN_EXPIRES_AT) => ({
  principalId: userId,
  integrationLatency: 12,
  userId,
  tenantId,
  tokenExpiresAt,
});

export function wsEvent(
  routeKey: string,
  options: {
    body?: string | null;
    authorizer?: unknown;
    connectionId?: string;
    headers?: Record<string, string>;
  } = {},
): WebSocketEvent {
  return {
    requestContext: {
      routeKey,
      connectionId: options.connectionId ?? CONNECTION_A,
      eventType: routeKey === "$connect" ? "CONNECT" : routeKey === "$disconnect" ? "DISCONNECT" : "MESSAGE",
      authorizer: "authorizer" in options ? options.authorizer : authorizerContext(),
    },
    headers: options.headers ?? {},
    body: options.body ?? null,
    isBase64Encoded: false,
  };
}

export const answerIdOf = (userId = USER_A, id = "q-1") => `${userId}.${id}`;

export function askBody(fields: Partial<{ answerId: string; conversationId: string; prompt: string }> = {}): string {
  return JSON.stringify({
    action: "ask",
    answerId: fields.answerId ?? answerIdOf(),
    conversationId: fields.conversationId ?? "conv-1",
    prompt: fields.prompt ?? "Where is my last order?",
  });
}

export function recordFor(userId = USER_A, tenantId = TENANT_A, connectionId = CONNECTION_A): ConnectionRecord {
  return connectionRecord({ connectionId, userId, tenantId, tokenExpiresAt: TOKEN_EXPIRES_AT, now: NOW });
}

/** An InvokeAgent completion stream of the given text chunks, optionally failing after them. */
export async function* agentStream(chunks: readonly (string | Uint8Array)[], failWith?: Error): AsyncGenerator<ResponseStream> {
  for (const piece of chunks) {
    const bytes = typeof piece === "string" ? new TextEncoder().encode(piece) : piece;
    yield { chunk: { bytes } } as ResponseStream;
  }
  if (failWith) throw failWith;
}

/**
 * The same, but each piece after the first comes a macrotask later, as a model streams: the
 * first piece goes out as a `chunk` (lambdas/chat/chunk-coalescer.ts), the rest in `done`.
 */
export async function* pacedAgentStream(chunks: readonly (string | Uint8Array)[], failWith?: Error): AsyncGenerator<ResponseStream> {
  for (const [i, piece] of chunks.entries()) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    yield* agentStream([piece]);
  }
  if (failWith) throw failWith;
}

/** The answer's text as the client assembles it: every `chunk`, then the `text` of `done`. */
export function answerText(events: readonly ServerEvent[]): string {
  return events.map((e) => (e.type === "chunk" || (e.type === "done" && e.text !== undefined) ? e.text : "")).join("");
}

/** Text inside every test trace: it must never reach a frame, a log line or a usage item (I22). */
export const TRACE_CANARY = "trace-canary-5b0e8c1d-prompt-and-reasoning";

/**
 * A `trace` event as InvokeAgent streams it with enableTrace: the usage numbers of one
 * model call beside the text the model saw and produced; or an action-group invocation.
 */
export function traceEvent(step: { inputTokens: number; outputTokens: number } | "tool-call"): ResponseStream {
  const trace =
    step === "tool-call"
      ? {
          orchestrationTrace: {
            invocationInput: {
              invocationType: "ACTION_GROUP",
              actionGroupInvocationInput: { actionGroupName: "orders", function: "listOrders", parameters: [{ name: "q", value: TRACE_CANARY }] },
            },
          },
        }
      : {
          orchestrationTrace: {
            modelInvocationOutput: {
              traceId: "trace-1",
              rawResponse: { content: `model said ${TRACE_CANARY}` },
              metadata: { usage: step },
            },
          },
        };
  return { trace: { agentId: "AGENT12345", sessionId: "s", trace } } as unknown as ResponseStream;
}

/** An agent stream of text chunks and trace events, in order. */
export async function* tracedAgentStream(events: readonly (string | ResponseStream)[]): AsyncGenerator<ResponseStream> {
  for (const event of events) yield typeof event === "string" ? ({ chunk: { bytes: new TextEncoder().encode(event) } } as ResponseStream) : event;
}

export function stsCredentials(overrides: Partial<{ AccessKeyId: string; Expiration: Date }> = {}) {
  return {
    Credentials: {
      AccessKeyId: overrides.AccessKeyId ?? FAKE_ACCESS_KEY_ID,
      SecretAccessKey: FAKE_SECRET_ACCESS_KEY,
      SessionToken: FAKE_SESSION_TOKEN,
      Expiration: overrides.Expiration ?? CREDENTIALS_EXPIRATION,
    },
  };
}

/** Every event posted to connections, decoded, with the connection it went to. */
export function postedEvents(
  apiMock: AwsStub<ServiceInputTypes, ServiceOutputTypes, ApiGatewayManagementApiClientResolvedConfig>,
): Array<{ connectionId: string; event: ServerEvent }> {
  return apiMock.commandCalls(PostToConnectionCommand).map((call) => ({
    connectionId: call.args[0].input.ConnectionId as string,
    event: JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString("utf8")) as ServerEvent,
  }));
}

/**
 * What the sender of a frame received, in order: the events posted to connections, then the
 * route response (the result's body, which API Gateway sends back on the frame's own
 * connection once the handler returned; lambdas/chat/routes.ts).
 */
export function repliedEvents(
  apiMock: AwsStub<ServiceInputTypes, ServiceOutputTypes, ApiGatewayManagementApiClientResolvedConfig>,
  result: { body?: string },
  connectionId = CONNECTION_A,
): Array<{ connectionId: string; event: ServerEvent }> {
  const routeResponse = result.body === undefined ? [] : [{ connectionId, event: JSON.parse(result.body) as ServerEvent }];
  return [...postedEvents(apiMock), ...routeResponse];
}

/** The real logger (same replacer and format), quiet so test output stays readable. */
export function silentLogger() {
  const logger = createLogger("chat-test");
  logger.setLogLevel("SILENT");
  return logger;
}

/**
 * Offboarding records held in memory (userId → revokedAt), and the latest revocation of
 * anyone as the writer keeps it: the route tests mock DynamoDB GetItem for the connection
 * record, so the store is replaced, not mocked.
 */
export class MemoryRevocations extends RevocationStore {
  readonly records = new Map<string, number>();
  /** Reads of a user's record. */
  reads = 0;
  /** Reads of the latest revocation. */
  latestReads = 0;
  constructor() {
    super(undefined as unknown as DynamoDBDocumentClient, "memory");
  }
  override async get(userId: string) {
    this.reads += 1;
    const revokedAt = this.records.get(userId);
    return revokedAt === undefined ? undefined : revocationRecord({ userId, revokedAt, reason: "test" });
  }
  override async latest() {
    this.latestReads += 1;
    if (this.records.size === 0) return undefined;
    return revocationRecord({ userId: LATEST_REVOCATION_KEY, revokedAt: Math.max(...this.records.values()), reason: "test" });
  }
}

/** The chat metrics' records, kept instead of printed (answer-metrics.test.ts checks the EMF lines). */
export class RecordingMetrics extends ChatMetrics {
  readonly records: Array<{ kind: "ask" | "error" | "answer"; tenantId: string; code?: string; answer?: AnswerMetrics }> = [];
  constructor() {
    super(new Metrics({ namespace: "test", serviceName: "chat" }));
  }
  override askAccepted(tenantId: string): void {
    this.records.push({ kind: "ask", tenantId });
  }
  override errorSent(tenantId: string, code: string): void {
    this.records.push({ kind: "error", tenantId, code });
  }
  override answerEnded(tenantId: string, answer: AnswerMetrics): void {
    this.records.push({ kind: "answer", tenantId, answer });
  }
}

export interface TestDependencies extends ChatDependencies {
  sleeps: number[];
  metrics: RecordingMetrics;
}

/** Dependencies over real SDK client instances; the tests mock them with aws-sdk-client-mock. */
export function testDependencies(
  overrides: Partial<Omit<ChatDependencies, "metrics">> & { metrics?: RecordingMetrics } = {},
): TestDependencies {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
  const sleeps: number[] = [];
  return {
    config: CONFIG,
    connections: new ConnectionStore(documents, CONFIG.connectionsTableName),
    askLimiter: new AskRateLimiter(documents, CONFIG.limitsTableName, CONFIG.asksPerUserPerMinute),
    stopRequests: new StopRequests(documents, CONFIG.limitsTableName),
    revocations: new MemoryRevocations(),
    usage: new UsageMeter(documents, {
      tableName: CONFIG.usageTableName,
      retentionDays: CONFIG.usageRetentionDays,
      reserveTokensPerAnswer: CONFIG.reserveTokensPerAnswer,
      budgets: CONFIG.budgets,
    }),
    idTokens: createIdTokenCheck(CONFIG),
    api: new ApiGatewayManagementApiClient({ region: "us-east-1", endpoint: CONFIG.managementEndpoint }),
    lambda: new LambdaClient({ region: "us-east-1" }),
    agent: new BedrockAgentRuntimeClient({ region: "us-east-1", maxAttempts: 1 }),
    credentials: new ScopedCredentialsProvider(new STSClient({ region: "us-east-1" }), {
      roleArn: ROLE_ARN,
      now: () => NOW,
    }),
    tenantNames: { nameOf: async () => undefined },
    logger: silentLogger(),
    metrics: new RecordingMetrics(),
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    sleeps,
    ...overrides,
  };
}
