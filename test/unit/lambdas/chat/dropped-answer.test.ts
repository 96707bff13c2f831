/**
 * lambdas/chat/dropped-answer.ts: Lambda's record of an answer step that never ran (too
 * old in the queue, or failed) ends the question for the asker with one `error`
 * `answer_dropped`, only after the connection's owner is checked (I6); the drop is logged
 * with ids only and counted per tenant; anything else is ignored without a send.
 */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { type AnswerRequest } from "../../../../lambdas/chat/answer";
import { ANSWER_DROPPED_MESSAGE, handleDroppedAnswer } from "../../../../lambdas/chat/dropped-answer";
import { isInvocationRecordLike } from "../../../../lambdas/chat/event-kinds";
import { handler } from "../../../../lambdas/chat/index";
import { isWebSocketEvent } from "../../../../lambdas/chat/routes";
import { createLogger } from "../../../../lambdas/common/logger";
import { answerIdOf, CONNECTION_A, postedEvents, recordFor, TENANT_A, TENANT_B, testDependencies, USER_A, USER_B } from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);

const request: AnswerRequest = {
  kind: "answer",
  answerId: answerIdOf(),
  conversationId: "conv-1",
  prompt: "A prompt that must never reach the logs",
  connectionId: CONNECTION_A,
  userId: USER_A,
  tenantId: TENANT_A,
};

/** Lambda's invocation record, as the on-failure destination receives it. */
const record = (condition: string, requestPayload: unknown = request) => ({
  version: "1.0",
  timestamp: "2026-12-02T10:00:00.000Z",
  requestContext: {
    requestId: "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
    functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:multi-tenant-assistant-dev-chat:$LATEST",
    condition,
    approximateInvokeCount: condition === "EventAgeExceeded" ? 0 : 1,
  },
  requestPayload,
  responseContext: { statusCode: 200, executedVersion: "$LATEST" },
});

/** Everything written to stdout, stderr and the console while `run` runs, as text. */
async function capturedOutput(run: () => Promise<unknown>): Promise<string[]> {
  const captured: string[] = [];
  const spies = [
    ...[process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, "write").mockImplementation((chunk: unknown) => {
        captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
        return true;
      }),
    ),
    ...(["log", "info", "warn", "error", "debug"] as const).map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      }),
    ),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return captured.join("\n").split("\n").filter((line) => line.trim().startsWith("{"));
}

beforeEach(() => {
  ddb.reset();
  api.reset();
  ddb.on(GetCommand).resolves({ Item: recordFor() });
  api.on(PostToConnectionCommand).resolves({});
});
afterEach(() => jest.restoreAllMocks());

describe("a dropped answer", () => {
  it.each(["EventAgeExceeded", "RetriesExhausted"])("(%s) ends for the asker with one answer_dropped error, after the owner check", async (condition) => {
    expect(await handleDroppedAnswer(record(condition), testDependencies())).toBe("told");
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { connectionId: CONNECTION_A }, ConsistentRead: true });
    expect(postedEvents(api)).toEqual([
      { connectionId: CONNECTION_A, event: { type: "error", answerId: request.answerId, code: "answer_dropped", message: ANSWER_DROPPED_MESSAGE } },
    ]);
  });

  it.each([
    ["another user", recordFor(USER_B, TENANT_A)],
    ["the same user under another tenant", recordFor(USER_A, TENANT_B)],
  ])("sends nothing when the connection belongs to %s (I6)", async (_label, stored) => {
    ddb.on(GetCommand).resolves({ Item: stored });
    expect(await handleDroppedAnswer(record("EventAgeExceeded"), testDependencies())).toBe("not_owner");
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
  });

  it("sends nothing when the connection is gone (no record, or 410)", async () => {
    ddb.on(GetCommand).resolves({});
    expect(await handleDroppedAnswer(record("EventAgeExceeded"), testDependencies())).toBe("gone");
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
    ddb.on(GetCommand).resolves({ Item: recordFor() });
    api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: {} }));
    expect(await handleDroppedAnswer(record("EventAgeExceeded"), testDependencies())).toBe("gone");
  });

  it("never throws when the owner check fails", async () => {
    ddb.on(GetCommand).rejects(new Error("ProvisionedThroughputExceededException"));
    expect(await handleDroppedAnswer(record("EventAgeExceeded"), testDependencies())).toBe("error");
  });

  it.each([
    ["a record of a record", record("EventAgeExceeded", record("EventAgeExceeded"))],
    ["a request whose answerId is another user's", record("RetriesExhausted", { ...request, answerId: answerIdOf(USER_B) })],
    ["a request with an extra field", record("RetriesExhausted", { ...request, tenantId: TENANT_A, extra: 1 })],
    ["no version", { ...record("EventAgeExceeded"), version: undefined }],
  ])("ignores %s without reading or sending anything", async (_label, event) => {
    expect(await handleDroppedAnswer(event, testDependencies())).toBe("ignored");
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
  });

  it("counts the drop for the tenant (Errors, code answer_dropped) even when nobody can be told", async () => {
    ddb.on(GetCommand).resolves({});
    const deps = testDependencies();
    await handleDroppedAnswer(record("EventAgeExceeded"), deps);
    expect(deps.metrics.records).toEqual([{ kind: "error", tenantId: TENANT_A, code: "answer_dropped" }]);
  });

  it("logs the drop with ids and the condition, and never logs the prompt (I8)", async () => {
    const lines = await capturedOutput(() => handleDroppedAnswer(record("EventAgeExceeded"), testDependencies({ logger: createLogger("chat") })));
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const drop = logged.find((l) => l.message === "answer dropped");
    expect(drop).toMatchObject({ condition: "EventAgeExceeded", answerId: request.answerId, userId: USER_A, tenantId: TENANT_A });
    expect(lines.join("\n")).not.toContain(request.prompt);
  });
});

describe("telling the events apart", () => {
  it("an invocation record is neither a WebSocket event nor an answer request, and the handler routes it", async () => {
    expect(isInvocationRecordLike(record("EventAgeExceeded"))).toBe(true);
    expect(isWebSocketEvent(record("EventAgeExceeded"))).toBe(false);
    expect(isInvocationRecordLike(request)).toBe(false);
    expect(isInvocationRecordLike({ requestContext: { routeKey: "ask", connectionId: "c" } })).toBe(false);
  });
});

// The chat entry point routes records to the handler (its environment comes from fixtures' CHAT_ENV).
describe("the chat entry point", () => {
  it("hands a record to handleDroppedAnswer", async () => {
    const { CHAT_ENV } = await import("./fixtures");
    Object.assign(process.env, CHAT_ENV, { AWS_LAMBDA_FUNCTION_NAME: "multi-tenant-assistant-test-chat", AWS_REGION: "us-east-1" });
    jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    jest.spyOn(console, "warn").mockImplementation(() => undefined);
    await handler(record("EventAgeExceeded"));
    expect(postedEvents(api).map((e) => e.event)).toEqual([expect.objectContaining({ type: "error", code: "answer_dropped" })]);
  });
});
