/**
 * The answer step's usage (I22) and budgets (I21), through answer() with mocked clients:
 * what one answer counts (tokens and tool calls from the trace, chunks and bytes as posted),
 * that every ending is recorded, that a used-up budget refuses before the model is called,
 * and that a budget check that cannot run fails closed.
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { BedrockAgentRuntimeClient, InvokeAgentCommand, ValidationException } from "@aws-sdk/client-bedrock-agent-runtime";
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { answer, type AnswerRequest } from "../../../../lambdas/chat/answer";
import { AnswerTally } from "../../../../lambdas/chat/answer-tally";
import { UsageMeter } from "../../../../lambdas/chat/usage-meter";
import type { TokenBudget } from "../../../../lambdas/chat/budgets";
import {
  answerIdOf,
  CONFIG,
  CONNECTION_A,
  postedEvents,
  recordFor,
  stsCredentials,
  TENANT_A,
  testDependencies,
  traceEvent,
  tracedAgentStream,
  USER_A,
} from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);
const agent = mockClient(BedrockAgentRuntimeClient);
const sts = mockClient(STSClient);

const request: AnswerRequest = {
  kind: "answer",
  answerId: answerIdOf(),
  conversationId: "conv-1",
  prompt: "Where is my last order?",
  connectionId: CONNECTION_A,
  userId: USER_A,
  tenantId: TENANT_A,
};

const usageMeter = (budgets: Record<string, TokenBudget>) =>
  new UsageMeter(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), {
    tableName: CONFIG.usageTableName,
    retentionDays: 30,
    reserveTokensPerAnswer: 2000,
    budgets,
  });
const answerRecord = () => ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === CONFIG.usageTableName)?.args[0].input.Item;
const counterUpdates = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((u) => u.TableName === CONFIG.usageTableName && u.ConditionExpression === undefined);

beforeEach(() => {
  for (const mock of [ddb, api, agent, sts]) mock.reset();
  ddb.on(GetCommand).resolves({ Item: recordFor() });
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  api.on(PostToConnectionCommand).resolves({});
  sts.on(AssumeRoleCommand).resolves(stsCredentials());
});

describe("metering an answer (I22)", () => {
  it("records tokens and tool calls from the trace, and the text events and bytes posted", async () => {
    agent.on(InvokeAgentCommand).resolves({
      completion: tracedAgentStream([
        traceEvent({ inputTokens: 800, outputTokens: 20 }),
        traceEvent("tool-call"),
        traceEvent({ inputTokens: 1000, outputTokens: 45 }),
        "Your last ",
        "order shipped.",
      ]),
    });
    const deps = testDependencies();
    expect(await answer(request, deps)).toBe("done");
    expect(deps.metrics.records).toEqual([
      { kind: "answer", tenantId: TENANT_A, answer: { latencyMs: expect.any(Number), inputTokens: 1800, outputTokens: 65 } },
    ]);

    const posted = postedEvents(api).map((e) => e.event);
    const bytes = posted.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0);
    expect(answerRecord()).toMatchObject({
      tenantId: TENANT_A,
      userId: USER_A,
      answerId: request.answerId,
      outcome: "done",
      inputTokens: 1800,
      outputTokens: 65,
      toolCalls: 1,
      // One: the stream ended at once, so the whole text came in `done`.
      chunks: 1,
      bytes,
    });
    expect(counterUpdates()).toHaveLength(3);
    expect(counterUpdates().every((u) => u.ExpressionAttributeValues![":inputTokens"] === 1800)).toBe(true);
  });

  it("records a failed answer with its error code, and what it used before failing", async () => {
    agent.on(InvokeAgentCommand).resolves({
      completion: (async function* () {
        yield* tracedAgentStream([traceEvent({ inputTokens: 500, outputTokens: 0 })]);
        throw new ValidationException({ message: "bad", $metadata: {} });
      })(),
    });
    expect(await answer(request, testDependencies())).toBe("error");
    expect(answerRecord()).toMatchObject({ outcome: "agent_error", inputTokens: 500, chunks: 0 });
  });

  it("records an answer stopped by the asker as stopped", async () => {
    let stopSeen: () => void = () => undefined;
    const seen = new Promise<void>((r) => (stopSeen = r));
    async function* endsOnAbort() {
      yield* tracedAgentStream([traceEvent({ inputTokens: 10, outputTokens: 1 }), "first "]);
      await seen;
    }
    agent.on(InvokeAgentCommand).resolves({ completion: endsOnAbort() });
    const stopRequests = { request: async () => undefined, isRequested: async () => (setImmediate(stopSeen), true) };
    const deps = testDependencies({ stopRequests });
    expect(await answer(request, deps)).toBe("stopped");
    expect(answerRecord()).toMatchObject({ outcome: "stopped", inputTokens: 10, outputTokens: 1, chunks: 1 });
  });

  it("still answers when the usage cannot be written (the answer is already out)", async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error("down"), { name: "InternalServerError" }));
    agent.on(InvokeAgentCommand).resolves({ completion: tracedAgentStream(["ok"]) });
    expect(await answer(request, testDependencies())).toBe("done");
    expect(postedEvents(api).map((e) => e.event.type)).toEqual(["done"]);
  });
});

describe("budgets before the model is called (I21)", () => {
  it("refuses with budget_exhausted naming the limit and its reset, without asking the agent or minting credentials", async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }));
    const deps = testDependencies({ usage: usageMeter({ [TENANT_A]: { dailyTokens: 5000 } }) });
    expect(await answer(request, deps)).toBe("budget_exhausted");
    expect(postedEvents(api).map((e) => e.event)).toEqual([
      {
        type: "error",
        answerId: request.answerId,
        code: "budget_exhausted",
        message: expect.stringMatching(/^your organisation's daily token budget \(5000 tokens\) is used up; it resets at midnight UTC \(\d{4}-\d\d-\d\d 00:00 UTC\)$/),
      },
    ]);
    expect(agent).toHaveReceivedCommandTimes(InvokeAgentCommand, 0);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    expect(answerRecord()).toBeUndefined();
    expect(deps.metrics.records).toEqual([{ kind: "error", tenantId: TENANT_A, code: "budget_exhausted" }]);
  });

  it("reserves before the model is called and settles the same counters with the real usage", async () => {
    agent.on(InvokeAgentCommand).resolves({ completion: tracedAgentStream([traceEvent({ inputTokens: 300, outputTokens: 20 }), "ok"]) });
    const deps = testDependencies({ usage: usageMeter({ [TENANT_A]: { userDailyTokens: 10_000 } }) });
    expect(await answer(request, deps)).toBe("done");
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    const reserve = updates.findIndex((u) => u.ConditionExpression !== undefined);
    expect(reserve).toBe(0);
    expect(updates[0]).toMatchObject({ Key: { pk: `${TENANT_A}#${USER_A}` }, ExpressionAttributeValues: { ":tokens": 2000, ":room": 8000 } });
    const settleUser = counterUpdates().find((u) => u.Key!.pk === `${TENANT_A}#${USER_A}`);
    expect(settleUser!.ExpressionAttributeValues).toMatchObject({ ":release": -2000, ":committed": 320 - 2000 });
  });

  it("fails closed: when the budget cannot be checked, the answer ends with internal and the agent is not asked", async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const deps = testDependencies({ usage: usageMeter({ [TENANT_A]: { monthlyTokens: 1_000_000 } }) });
    expect(await answer(request, deps)).toBe("error");
    expect(postedEvents(api).map((e) => e.event)).toEqual([expect.objectContaining({ type: "error", code: "internal" })]);
    expect(agent).toHaveReceivedCommandTimes(InvokeAgentCommand, 0);
  });

  it("leaves other tenants unlimited (no reservation call)", async () => {
    agent.on(InvokeAgentCommand).resolves({ completion: tracedAgentStream(["ok"]) });
    const deps = testDependencies({ usage: usageMeter({ "other-tenant": { dailyTokens: 1 } }) });
    expect(await answer(request, deps)).toBe("done");
    expect(ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.ConditionExpression !== undefined)).toHaveLength(0);
  });
});

describe("AnswerTally", () => {
  it("counts only what was sent: a post to a gone connection adds nothing", async () => {
    const tally = new AnswerTally();
    const outcomes = ["sent", "gone"] as const;
    let i = 0;
    const sink = tally.metered({ send: async () => outcomes[i++] });
    await sink.send({ type: "chunk", answerId: "a", text: "héllo" });
    await sink.send({ type: "chunk", answerId: "a", text: "never" });
    expect(tally.chunks).toBe(1);
    expect(tally.bytes).toBe(Buffer.byteLength(JSON.stringify({ type: "chunk", answerId: "a", text: "héllo" })));
  });

  it("counts a done that carries the answer's last text as a text event, a bare done not", async () => {
    const tally = new AnswerTally();
    const sink = tally.metered({ send: async () => "sent" });
    await sink.send({ type: "done", answerId: "a" });
    expect(tally.chunks).toBe(0);
    await sink.send({ type: "done", answerId: "a", text: "All of it." });
    expect(tally.chunks).toBe(1);
  });
});
