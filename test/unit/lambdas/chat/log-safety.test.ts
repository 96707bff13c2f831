/**
 * I8, proven on the real handler and the real logger: capture EVERYTHING written
 * to stdout, stderr and the console during a full connect → ask → answer flow (with a
 * throttle retry, an agent error whose message carries a secret, and the token in the
 * connect headers) at DEBUG level, and search it for the JWT and the scoped credentials.
 * The capture is proven live by finding the structured keys the flow must log.
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import {
  BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-agent-runtime";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { ServerEvent } from "../../../../lambdas/common/server-events";
import {
  answerIdOf,
  APP_PROTOCOL,
  askBody,
  authorizerContext,
  CHAT_ENV,
  FAKE_ACCESS_KEY_ID,
  FAKE_JWT,
  FAKE_SECRET_ACCESS_KEY,
  FAKE_SESSION_TOKEN,
  postedEvents,
  stsCredentials,
  TENANT_A,
  TRACE_CANARY,
  traceEvent,
  tracedAgentStream,
  USER_A,
  wsEvent,
} from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);
const lambda = mockClient(LambdaClient);
const agent = mockClient(BedrockAgentRuntimeClient);
const sts = mockClient(STSClient);

const SECRET_PROMPT = "my card number is 4111-1111-1111-1111, where is my order?";
const captured: string[] = [];
const received: ServerEvent[] = [];
const savedEnv = { ...process.env };
const restorers: Array<() => void> = [];

function capture(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restorers.push(() => {
      stream.write = original as typeof stream.write;
    });
  }
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
    restorers.push(() => spy.mockRestore());
  }
}

beforeAll(async () => {
  Object.assign(process.env, CHAT_ENV, { POWERTOOLS_LOG_LEVEL: "DEBUG" });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only once the environment is set
  const { handler } = require("../../../../lambdas/chat/index") as typeof import("../../../../lambdas/chat/index");
  const authorizer = authorizerContext(USER_A, TENANT_A, Math.floor(Date.now() / 1000) + 3600);

  let stored: unknown;
  ddb.on(PutCommand).callsFake(async (input) => {
    // The connection record; answer records go to the usage table.
    if (input.TableName === CHAT_ENV.CONNECTIONS_TABLE_NAME) stored = input.Item;
    return {};
  });
  ddb.on(GetCommand).callsFake(async () => ({ Item: stored }));
  ddb.on(DeleteCommand).resolves({});
  api.on(PostToConnectionCommand).resolves({});
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  sts.on(AssumeRoleCommand).resolves(stsCredentials({ Expiration: new Date(Date.now() + 15 * 60 * 1000) }));
  agent
    .on(InvokeAgentCommand)
    .rejectsOnce(new ThrottlingException({ message: `slow down ${FAKE_SESSION_TOKEN}`, $metadata: {} }))
    .resolvesOnce({
      completion: tracedAgentStream([traceEvent({ inputTokens: 900, outputTokens: 12 }), traceEvent("tool-call"), "Your order ", "shipped."]),
    })
    .rejects(new ValidationException({ message: `bad attribute ${FAKE_ACCESS_KEY_ID} ${FAKE_SECRET_ACCESS_KEY}`, $metadata: {} }));

  // Everything the client received, in order: posted events as they go, each frame's route response once its handler returned.
  const deliver = (result: unknown) => {
    received.push(...postedEvents(api).slice(posted).map((e) => e.event));
    posted = postedEvents(api).length;
    const body = (result as { body?: string } | undefined)?.body;
    if (body !== undefined) received.push(JSON.parse(body) as ServerEvent);
  };
  let posted = 0;
  capture();
  try {
    await handler(
      wsEvent("$connect", {
        authorizer,
        headers: {
          "Sec-WebSocket-Protocol": `${APP_PROTOCOL}, ${FAKE_JWT}`,
          Authorization: `Bearer ${FAKE_JWT}`,
        },
      }),
    );
    deliver(await handler(wsEvent("ask", { authorizer, body: askBody({ prompt: SECRET_PROMPT }) })));
    const payload = JSON.parse(
      Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString("utf8"),
    );
    deliver(await handler(payload)); // throttled once, then streamed
    deliver(await handler(wsEvent("ask", { authorizer, body: askBody({ answerId: answerIdOf(USER_A, "q-2"), prompt: SECRET_PROMPT }) })));
    const second = JSON.parse(
      Buffer.from(lambda.commandCalls(InvokeCommand)[1].args[0].input.Payload as Uint8Array).toString("utf8"),
    );
    deliver(await handler(second)); // agent error carrying secrets in its message
    deliver(await handler(wsEvent("ask", { authorizer, body: `{"action":"ask","prompt":"${FAKE_JWT}"` }))); // garbled
    await handler(wsEvent("$disconnect", { authorizer }));
  } finally {
    for (const restore of restorers.reverse()) restore();
    process.env = savedEnv;
  }
});

const output = () => captured.join("\n");

it("really captured the flow's structured logs (the capture can see a leak)", () => {
  const lines = output();
  expect(lines).toContain('"answer done"');
  expect(lines).toContain('"answer failed"');
  expect(lines).toContain(`"tenantId":"${TENANT_A}"`);
  expect(lines).toContain(`"userId":"${USER_A}"`);
  expect(lines).toContain(`"answerId":"${answerIdOf()}"`);
  expect(lines).toContain('"promptLength"');
  // And the flow really handled the secrets: the agent received them.
  expect(JSON.stringify(agent.commandCalls(InvokeAgentCommand)[1].args[0].input)).toContain(FAKE_SESSION_TOKEN);
});

it.each([
  ["the JWT", FAKE_JWT],
  ["the JWT's payload segment", FAKE_JWT.split(".")[1]],
  ["the access key id", FAKE_ACCESS_KEY_ID],
  ["the secret access key", FAKE_SECRET_ACCESS_KEY],
  ["the session token", FAKE_SESSION_TOKEN],
  ["the prompt text", SECRET_PROMPT],
  ["any text of the agent's trace", TRACE_CANARY],
])("never logs %s", (_label, secret) => {
  expect(output()).not.toContain(secret);
});

it("never sends credentials or the token to the client either (posted or as a route response)", () => {
  const sent = JSON.stringify(received);
  for (const secret of [FAKE_JWT, FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, FAKE_SESSION_TOKEN]) {
    expect(sent).not.toContain(secret);
  }
  expect(received.map((e) => e.type)).toEqual(["accepted", "done", "accepted", "error", "error"]);
});

it("takes only the numbers from the agent's trace (I22): its text reaches no frame and no usage item", () => {
  expect(JSON.stringify(received)).not.toContain(TRACE_CANARY);
  const writes = ddb.calls().map((call) => JSON.stringify(call.args[0].input));
  expect(writes.join("\n")).not.toContain(TRACE_CANARY);
  // The numbers did arrive: the answer's record carries them.
  const record = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === CHAT_ENV.USAGE_TABLE_NAME)?.args[0].input.Item;
  expect(record).toMatchObject({ outcome: "done", inputTokens: 900, outputTokens: 12, toolCalls: 1, chunks: 1 });
  expect(output()).toContain('"inputTokens":900');
});

it("logs no access-key-shaped or JWT-shaped value at all", () => {
  expect(output()).not.toMatch(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/);
  expect(output()).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./);
});
