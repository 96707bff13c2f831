/**
 * How many STS AssumeRole calls 100 questions from one user cost in one warm chat
 * function: 100 `ask` frames, then their 100 answer steps (concurrently, as a burst of
 * async invocations would be), all through the real handler against mocked AWS clients.
 * The scoped-credentials cache and request coalescing should make it exactly 1.
 *
 *   npx tsx scripts/bench/sts-calls.ts [--asks N]
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { BedrockAgentRuntimeClient, InvokeAgentCommand, type ResponseStream } from "@aws-sdk/client-bedrock-agent-runtime";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { toEnvironment as chatEnvironment } from "../../lambdas/chat/config";
import { benchArgs } from "./bench-args";
import { describeError } from "./describe-error";

export interface StsCallsResult {
  asks: number;
  answersDone: number;
  stsCalls: number;
  elapsedMs: number;
}

const USER = "11111111-1111-4111-8111-111111111111";
const TENANT = "tenant1";
const CONNECTION = "BenchConnection=";

async function* completion(): AsyncGenerator<ResponseStream> {
  for (const text of ["Your order ", "has shipped."]) yield { chunk: { bytes: new TextEncoder().encode(text) } } as ResponseStream;
}

export async function measureStsCalls(asks = 100): Promise<StsCallsResult> {
  Object.assign(process.env, {
    ...chatEnvironment(
      {
        connectionsTableName: "bench-connections",
        tenantsTableName: "bench-tenants",
        tenantAccessRoleArn: "arn:aws:iam::123456789012:role/bench-tenant-access",
        agentId: "AGENTBENCH",
        agentAliasId: "ALIASBENCH",
        knowledgeBaseId: "KBASEBENCH",
        managementEndpoint: "https://bench.execute-api.us-east-1.amazonaws.com/bench",
        appProtocol: "mta.v1",
        limitsTableName: "bench-limits",
        // The most the chat config allows: the burst is one user's, and it must not be throttled.
        asksPerUserPerMinute: 1000,
        revocationsTableName: "bench-revocations",
        usageTableName: "bench-usage",
        usageRetentionDays: 90,
        reserveTokensPerAnswer: 2000,
        budgets: {},
        idTokens: { userPoolId: "us-east-1_AAAAAAAAA", clientId: "bench", tenantIds: new Set([TENANT]) },
        metricsNamespace: "bench",
      },
      "SILENT",
    ),
    // The handler runs in this process: its EMF lines would land in the benchmark's output.
    POWERTOOLS_METRICS_DISABLED: "true",
    AWS_LAMBDA_FUNCTION_NAME: "bench-chat",
    AWS_REGION: "us-east-1",
  });

  const ddb = mockClient(DynamoDBDocumentClient);
  const api = mockClient(ApiGatewayManagementApiClient);
  const lambda = mockClient(LambdaClient);
  const agent = mockClient(BedrockAgentRuntimeClient);
  const sts = mockClient(STSClient);
  let stored: unknown;
  ddb.on(PutCommand).callsFake(async (input) => {
    stored = input.Item;
    return {};
  });
  ddb.on(GetCommand).callsFake(async () => ({ Item: stored }));
  ddb.on(DeleteCommand).resolves({});
  // The per-user ask counter (ask-rate-limit.ts): every ask is within the limit.
  ddb.on(UpdateCommand).resolves({});
  api.on(PostToConnectionCommand).resolves({});
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  agent.on(InvokeAgentCommand).callsFake(async () => ({ completion: completion() }));
  sts.on(AssumeRoleCommand).callsFake(async () => {
    // A real STS round trip takes tens of milliseconds: long enough for concurrent answers to overlap.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return {
      Credentials: {
        AccessKeyId: "ASIABENCHFAKEKEY0001",
        SecretAccessKey: "bench-secret",
        SessionToken: "bench-session-token",
        Expiration: new Date(Date.now() + 15 * 60 * 1000),
      },
    };
  });

  try {
    // Imported after the environment and the mocks are in place, as a cold start would be.
    const { handler } = (await import("../../lambdas/chat/index")) as typeof import("../../lambdas/chat/index");
    const authorizer = { userId: USER, tenantId: TENANT, tokenExpiresAt: Math.floor(Date.now() / 1000) + 3600 };
    const frame = (routeKey: string, body: string | null) => ({
      requestContext: { routeKey, connectionId: CONNECTION, authorizer },
      headers: { "Sec-WebSocket-Protocol": "mta.v1" },
      body,
      isBase64Encoded: false,
    });

    const started = performance.now();
    await handler(frame("$connect", null));
    for (let i = 0; i < asks; i += 1) {
      const body = JSON.stringify({ action: "ask", answerId: `${USER}.q-${i}`, conversationId: "bench", prompt: `question ${i}` });
      await handler(frame("ask", body));
    }
    const payloads = lambda
      .commandCalls(InvokeCommand)
      .map((call) => JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString("utf8")) as unknown);
    await Promise.all(payloads.map((payload) => handler(payload)));
    const elapsedMs = performance.now() - started;

    const answersDone = api
      .commandCalls(PostToConnectionCommand)
      .filter((call) => JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString("utf8")).type === "done").length;
    return { asks, answersDone, stsCalls: sts.commandCalls(AssumeRoleCommand).length, elapsedMs };
  } finally {
    for (const mock of [ddb, api, lambda, agent, sts]) mock.restore();
  }
}

if (require.main === module) {
  const asks = Number(benchArgs("sts-calls", { "--asks": "N" }).value("--asks") ?? 100);
  if (!Number.isSafeInteger(asks) || asks < 1) {
    console.error("--asks must be a positive integer");
    process.exit(2);
  }
  measureStsCalls(asks)
    .then((r) => {
      console.log(`asks: ${r.asks}, answers done: ${r.answersDone}, STS AssumeRole calls: ${r.stsCalls}`);
      console.log(`elapsed: ${r.elapsedMs.toFixed(0)} ms (mocked clients)`);
      process.exit(r.stsCalls === 1 && r.answersDone === r.asks ? 0 : 1);
    })
    .catch((error: unknown) => {
      console.error(`bench failed: ${describeError(error)}`);
      process.exit(1);
    });
}
