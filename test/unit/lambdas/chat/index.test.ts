/**
 * The handler end to end over mocked clients: WebSocket routes go to their handlers, the
 * answer-step payload the `ask` route hands off is exactly what the answer step accepts,
 * and malformed answer payloads are refused without sending anything or throwing.
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { BedrockAgentRuntimeClient, InvokeAgentCommand } from "@aws-sdk/client-bedrock-agent-runtime";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import {
  agentStream,
  answerIdOf,
  APP_PROTOCOL,
  askBody,
  authorizerContext,
  CHAT_ENV,
  CONNECTION_A,
  FAKE_JWT,
  postedEvents,
  recordFor,
  stsCredentials,
  TENANT_A,
  USER_A,
  USER_B,
  wsEvent,
} from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);
const lambda = mockClient(LambdaClient);
const agent = mockClient(BedrockAgentRuntimeClient);
const sts = mockClient(STSClient);

type Handler = typeof import("../../../../lambdas/chat/index").handler;
let handler: Handler;
const savedEnv = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, CHAT_ENV, { POWERTOOLS_LOG_LEVEL: "SILENT" });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only once the environment is set
  handler = require("../../../../lambdas/chat/index").handler;
});
afterAll(() => {
  process.env = savedEnv;
});

beforeEach(() => {
  for (const mock of [ddb, api, lambda, agent, sts]) mock.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  ddb.on(GetCommand).resolves({ Item: recordFor() });
  api.on(PostToConnectionCommand).resolves({});
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  sts.on(AssumeRoleCommand).resolves(stsCredentials());
  agent.on(InvokeAgentCommand).callsFake(async () => ({ completion: agentStream(["Hello ", "there."]) }));
});

/** The handler runs on the real clock. */
const liveAuthorizer = () => authorizerContext(USER_A, TENANT_A, Math.floor(Date.now() / 1000) + 3600);

function handedOffPayload(): unknown {
  const input = lambda.commandCalls(InvokeCommand)[0].args[0].input;
  return JSON.parse(Buffer.from(input.Payload as Uint8Array).toString("utf8"));
}

it("routes $connect: stores the connection and echoes the app protocol", async () => {
  const result = await handler(
    wsEvent("$connect", { headers: { "Sec-WebSocket-Protocol": `${APP_PROTOCOL}, ${FAKE_JWT}` } }),
  );
  expect(result).toEqual({ statusCode: 200, headers: { "Sec-WebSocket-Protocol": APP_PROTOCOL } });
  expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
});

it("routes ask, then runs the answer step from the handed-off payload", async () => {
  expect(await handler(wsEvent("ask", { body: askBody(), authorizer: liveAuthorizer() }))).toEqual({
    statusCode: 200,
    body: JSON.stringify({ type: "accepted", answerId: answerIdOf() }),
  });
  expect(lambda).toHaveReceivedCommandWith(InvokeCommand, {
    FunctionName: CHAT_ENV.AWS_LAMBDA_FUNCTION_NAME,
    InvocationType: "Event",
  });

  const answerResult = await handler(handedOffPayload());
  expect(answerResult).toBeUndefined();
  // The agent's stream ended at once: the whole answer in `done` (lambdas/chat/chunk-coalescer.ts).
  expect(postedEvents(api).map((e) => e.event)).toEqual([{ type: "done", answerId: answerIdOf(), text: "Hello there." }]);
  expect(agent).toHaveReceivedCommandWith(InvokeAgentCommand, { sessionId: `${USER_A}.conv-1` });
});

it("routes ping to pong and unknown actions on $default to bad_request", async () => {
  const replies = [
    await handler(wsEvent("ping", { body: JSON.stringify({ action: "ping" }) })),
    await handler(wsEvent("$default", { body: JSON.stringify({ action: "nope" }) })),
  ];
  expect(replies.map((result) => JSON.parse((result as { body: string }).body))).toEqual([
    { type: "pong" },
    { type: "error", code: "bad_request", message: 'unknown action "nope"' },
  ]);
  expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
});

it("routes $disconnect to deleting the record", async () => {
  expect(await handler(wsEvent("$disconnect"))).toEqual({ statusCode: 200 });
  expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { connectionId: CONNECTION_A } });
});

it.each([
  ["an answerId of another user", { answerId: answerIdOf(USER_B) }],
  ["a forged extra field", { sessionAttributes: { tenantId: "tenant2" } }],
  ["a missing connectionId", { connectionId: undefined }],
  ["an oversize prompt", { prompt: "x".repeat(4001) }],
])("refuses an answer payload with %s: nothing read, sent or asked, no throw", async (_label, change) => {
  const payload = {
    kind: "answer",
    answerId: answerIdOf(),
    conversationId: "conv-1",
    prompt: "hi",
    connectionId: CONNECTION_A,
    userId: USER_A,
    tenantId: TENANT_A,
    ...change,
  };
  await expect(handler(payload)).resolves.toBeUndefined();
  expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
  expect(agent).not.toHaveReceivedCommand(InvokeAgentCommand);
  expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
});

it("ignores events it does not recognise", async () => {
  await expect(handler({ hello: "world" })).resolves.toBeUndefined();
  await expect(handler(null)).resolves.toBeUndefined();
  expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
});

it("fails loudly, naming the variable, when misconfigured", async () => {
  const saved = process.env.AGENT_ID;
  delete process.env.AGENT_ID;
  try {
    await jest.isolateModulesAsync(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only once the environment is set
      const fresh: Handler = require("../../../../lambdas/chat/index").handler;
      await expect(fresh(wsEvent("$disconnect"))).rejects.toThrow("AGENT_ID");
    });
  } finally {
    process.env.AGENT_ID = saved;
  }
});
