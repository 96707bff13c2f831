/**
 * The answer step: ownership is checked before anything is minted, asked or sent; the
 * agent gets the sessionAttributes contract; chunks stream in order then `done`; every
 * failure ends in one `error` event with the answerId; a vanished connection stops it.
 */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import {
  AccessDeniedException,
  BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  ThrottlingException,
  ValidationException,
  type ResponseStream,
} from "@aws-sdk/client-bedrock-agent-runtime";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { answer, sessionAttributes } from "../../../../lambdas/chat/answer";
import type { AnswerRequest } from "../../../../lambdas/chat/answer-request";
import { MAX_AGENT_ATTEMPTS } from "../../../../lambdas/chat/retry";
import { SessionAttributes } from "../../../../lambdas/shared/session-attributes";
import {
  CONNECTION_A,
  CREDENTIALS_EXPIRATION,
  FAKE_ACCESS_KEY_ID,
  FAKE_SECRET_ACCESS_KEY,
  FAKE_SESSION_TOKEN,
  TENANT_A,
  TENANT_B,
  USER_A,
  USER_B,
  agentStream,
  answerIdOf,
  postedEvents,
  recordFor,
  stsCredentials,
  testDependencies,
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

const throttling = () => new ThrottlingException({ message: "Rate exceeded", $metadata: {} });
const types = () => postedEvents(api).map((e) => e.event.type);

beforeEach(() => {
  for (const mock of [ddb, api, agent, sts]) mock.reset();
  ddb.on(GetCommand).resolves({ Item: recordFor() });
  ddb.on(DeleteCommand).resolves({});
  api.on(PostToConnectionCommand).resolves({});
  sts.on(AssumeRoleCommand).resolves(stsCredentials());
});

describe("streaming an answer", () => {
  it("streams every chunk in order, then done, to the asker's connection only", async () => {
    agent.on(InvokeAgentCommand).resolves({ completion: agentStream(["Your last ", "order ", "shipped."]) });

    expect(await answer(request, testDependencies())).toBe("done");

    const events = postedEvents(api);
    expect(events.map((e) => e.event)).toEqual([
      { type: "chunk", answerId: request.answerId, text: "Your last " },
      { type: "chunk", answerId: request.answerId, text: "order " },
      { type: "chunk", answerId: request.answerId, text: "shipped." },
      { type: "done", answerId: request.answerId },
    ]);
    expect(new Set(events.map((e) => e.connectionId))).toEqual(new Set([CONNECTION_A]));
  });

  it("calls the agent with the server-derived session and the sessionAttributes contract", async () => {
    agent.on(InvokeAgentCommand).resolves({ completion: agentStream(["ok"]) });
    await answer(request, testDependencies());

    expect(agent).toHaveReceivedCommandTimes(InvokeAgentCommand, 1);
    const input = agent.commandCalls(InvokeAgentCommand)[0].args[0].input;
    expect(input).toEqual({
      agentId: "AGENT12345",
      agentAliasId: "ALIAS12345",
      sessionId: `${USER_A}.conv-1`,
      inputText: request.prompt,
      sessionState: {
        sessionAttributes: {
          tenantId: TENANT_A,
          userId: USER_A,
          answerId: request.answerId,
          connectionId: CONNECTION_A,
          accessKeyId: FAKE_ACCESS_KEY_ID,
          secretAccessKey: FAKE_SECRET_ACCESS_KEY,
          sessionToken: FAKE_SESSION_TOKEN,
          credentialsExpiration: CREDENTIALS_EXPIRATION.toISOString(),
        },
      },
      streamingConfigurations: { streamFinalResponse: true },
      enableTrace: false,
    });
    expect(SessionAttributes.safeParse(input.sessionState?.sessionAttributes).success).toBe(true);
  });

  it("mints credentials tagged with the request's tenant and user", async () => {
    agent.on(InvokeAgentCommand).resolves({ completion: agentStream(["ok"]) });
    await answer(request, testDependencies());
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      Tags: [
        { Key: "tenantId", Value: TENANT_A },
        { Key: "userId", Value: USER_A },
      ],
    });
  });

  it("reassembles a multi-byte character split across two chunks", async () => {
    const bytes = new TextEncoder().encode("prix: 10 €");
    agent.on(InvokeAgentCommand).resolves({ completion: agentStream([bytes.slice(0, -1), bytes.slice(-1)]) });
    await answer(request, testDependencies());
    const text = postedEvents(api)
      .filter((e) => e.event.type === "chunk")
      .map((e) => (e.event as { text: string }).text)
      .join("");
    expect(text).toBe("prix: 10 €");
  });

  it("ends with done even when the agent streams no text", async () => {
    agent.on(InvokeAgentCommand).resolves({ completion: agentStream([]) });
    expect(await answer(request, testDependencies())).toBe("done");
    expect(types()).toEqual(["done"]);
  });

  it("builds sessionAttributes that satisfy the shared contract", () => {
    const attributes = sessionAttributes(request, {
      accessKeyId: FAKE_ACCESS_KEY_ID,
      secretAccessKey: FAKE_SECRET_ACCESS_KEY,
      sessionToken: FAKE_SESSION_TOKEN,
      expiration: CREDENTIALS_EXPIRATION,
    });
    expect(SessionAttributes.parse(attributes)).toEqual(attributes);
  });
});

describe("throttling", () => {
  it("retries with growing, jittered backoff, then streams the answer", async () => {
    agent
      .on(InvokeAgentCommand)
      .rejectsOnce(throttling())
      .rejectsOnce(throttling())
      .resolves({ completion: agentStream(["late ", "answer"]) });
    const deps = testDependencies();

    expect(await answer(request, deps)).toBe("done");
    expect(agent).toHaveReceivedCommandTimes(InvokeAgentCommand, 3);
    expect(deps.sleeps).toHaveLength(2);
    expect(deps.sleeps[1]).toBeGreaterThan(deps.sleeps[0]);
    expect(types()).toEqual(["chunk", "chunk", "done"]);
  });

  it("retries throttling raised inside the stream before the first chunk", async () => {
    agent
      .on(InvokeAgentCommand)
      .resolvesOnce({ completion: agentStream([], throttling()) })
      .resolves({ completion: agentStream(["fine"]) });
    expect(await answer(request, testDependencies())).toBe("done");
    expect(types()).toEqual(["chunk", "done"]);
  });

  it("ends with throttled after the last attempt", async () => {
    agent.on(InvokeAgentCommand).rejects(throttling());
    const deps = testDependencies();

    expect(await answer(request, deps)).toBe("error");
    expect(agent).toHaveReceivedCommandTimes(InvokeAgentCommand, MAX_AGENT_ATTEMPTS);
    expect(deps.sleeps).toHaveLength(MAX_AGENT_ATTEMPTS - 1);
    expect(postedEvents(api).map((e) => e.event)).toEqual([
      { type: "error", answerId: request.answerId, code: "throttled", message: expect.any(String) },
    ]);
  });

  it("does not retry once text was streamed (it would repeat it)", async () => {
    agent.on(InvokeAgentCommand).resolves({ completion: agentStream(["half an "], throttling()) });
    expect(await answer(request, testDependencies())).toBe("error");
    expect(agent).toHaveReceivedCommandTimes(InvokeAgentCommand, 1);
    expect(postedEvents(api).map((e) => e.event)).toEqual([
      { type: "chunk", answerId: request.answerId, text: "half an " },
      { type: "error", answerId: request.answerId, code: "throttled", message: expect.any(String) },
    ]);
  });
});

describe("failures", () => {
  it.each([
    ["a validation error", () => new ValidationException({ message: "Invalid session id", $metadata: {} })],
    ["access denied", () => new AccessDeniedException({ message: "not allowed", $metadata: {} })],
  ])("reports %s from the agent as agent_error", async (_label, makeError) => {
    agent.on(InvokeAgentCommand).rejects(makeError());
    expect(await answer(request, testDependencies())).toBe("error");
    expect(agent).toHaveReceivedCommandTimes(InvokeAgentCommand, 1);
    expect(postedEvents(api).map((e) => e.event)).toEqual([
      { type: "error", answerId: request.answerId, code: "agent_error", message: expect.any(String) },
    ]);
  });

  it("reports a response without a completion stream as agent_error", async () => {
    agent.on(InvokeAgentCommand).resolves({});
    await answer(request, testDependencies());
    expect(postedEvents(api)[0].event).toMatchObject({ type: "error", code: "agent_error" });
  });

  it("reports an STS failure as internal, without asking the agent", async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error("User: arn:aws:sts::1:assumed-role/x is not authorized"), { name: "AccessDenied" }));
    expect(await answer(request, testDependencies())).toBe("error");
    expect(agent).not.toHaveReceivedCommand(InvokeAgentCommand);
    const [event] = postedEvents(api).map((e) => e.event);
    expect(event).toEqual({ type: "error", answerId: request.answerId, code: "internal", message: expect.any(String) });
    expect(JSON.stringify(event)).not.toContain("arn:aws");
  });

  it("reports an unexpected error as internal", async () => {
    agent.on(InvokeAgentCommand).rejects(new TypeError("boom"));
    await answer(request, testDependencies());
    expect(postedEvents(api)[0].event).toMatchObject({ type: "error", code: "internal", answerId: request.answerId });
  });
});

describe("the connection", () => {
  it("stops at GoneException: no more posts, no error event, the record is deleted", async () => {
    api
      .on(PostToConnectionCommand)
      .resolvesOnce({})
      .rejects(new GoneException({ message: "gone", $metadata: {} }));
    agent.on(InvokeAgentCommand).resolves({ completion: agentStream(["one ", "two ", "three"]) });

    expect(await answer(request, testDependencies())).toBe("gone");
    expect(api).toHaveReceivedCommandTimes(PostToConnectionCommand, 2);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { connectionId: CONNECTION_A } });
  });

  it.each([
    ["another user", recordFor(USER_B, TENANT_A)],
    ["the same user id under another tenant", recordFor(USER_A, TENANT_B)],
  ])("posts nothing, mints nothing and asks nothing when the connection belongs to %s", async (_label, record) => {
    ddb.on(GetCommand).resolves({ Item: record });
    agent.on(InvokeAgentCommand).resolves({ completion: agentStream(["secret data"]) });

    expect(await answer(request, testDependencies())).toBe("not_owner");
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(agent).not.toHaveReceivedCommand(InvokeAgentCommand);
  });

  it("posts nothing when the connection has no record", async () => {
    ddb.on(GetCommand).resolves({});
    expect(await answer(request, testDependencies())).toBe("gone");
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
  });

  it("stops streaming when the record changes owner mid-answer", async () => {
    // The connection id is reassigned to USER_B after two chunks were already sent.
    let pulledAfterReassign = 0;
    async function* reassignedMidStream(): AsyncGenerator<ResponseStream> {
      for (const text of ["a", "b"]) yield { chunk: { bytes: new TextEncoder().encode(text) } } as ResponseStream;
      ddb.on(GetCommand).resolves({ Item: recordFor(USER_B) });
      for (const text of ["c", "d"]) {
        pulledAfterReassign += 1;
        yield { chunk: { bytes: new TextEncoder().encode(text) } } as ResponseStream;
      }
    }
    agent.on(InvokeAgentCommand).resolves({ completion: reassignedMidStream() });
    expect(await answer(request, testDependencies())).toBe("not_owner");
    // What was sent before the change reached USER_A; nothing after it, not even done.
    expect(postedEvents(api).map((e) => e.event)).toEqual([
      { type: "chunk", answerId: request.answerId, text: "a" },
      { type: "chunk", answerId: request.answerId, text: "b" },
    ]);
    // The first chunk after the change was checked and dropped, and the stream was abandoned.
    expect(pulledAfterReassign).toBe(1);
  });
});
