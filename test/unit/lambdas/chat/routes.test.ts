/**
 * lambdas/chat/routes.ts: every client frame (parse, authorize, acknowledge, hand over);
 * `$connect` and `$disconnect`; the subprotocol answer; the ask decision; and the
 * WebSocket event helpers.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { askWindow, THROTTLED_MESSAGE } from "../../../../lambdas/chat/ask-rate-limit";
import {
  connectResponseHeaders,
  decideAsk,
  handleConnect,
  handleDisconnect,
  handleMessage,
  isWebSocketEvent,
} from "../../../../lambdas/chat/routes";
import { KnownOwners } from "../../../../lambdas/common/connections";
import { createLogger } from "../../../../lambdas/common/logger";
import { PROMPT_MAX_CHARS } from "../../../../lambdas/common/protocol";
import type { ServerEvent } from "../../../../lambdas/common/server-events";
import { MAX_CONNECTION_MS } from "../../../../web/js/protocol-limits.js";
import {
  answerIdOf,
  APP_PROTOCOL,
  askBody,
  authorizerContext,
  CONFIG,
  CONNECTION_A,
  CONNECTION_B,
  FAKE_JWT,
  MemoryRevocations,
  NOW,
  NOW_SECONDS,
  recordFor,
  repliedEvents,
  TENANT_A,
  TENANT_B,
  testDependencies,
  TOKEN_EXPIRES_AT,
  USER_A,
  USER_B,
  wsEvent,
} from "./fixtures";
import { captureOutput } from "../../../support/captured-output";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);
const lambda = mockClient(LambdaClient);

describe("message routes", () => {
  beforeEach(() => {
    ddb.reset();
    api.reset();
    lambda.reset();
    ddb.on(GetCommand).resolves({ Item: recordFor() });
    ddb.on(UpdateCommand).resolves({});
    api.on(PostToConnectionCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  });

  async function send(body: string | null, options: Parameters<typeof wsEvent>[1] = {}, route = "ask") {
    const deps = testDependencies();
    const result = await handleMessage(wsEvent(route, { ...options, body }), deps);
    return { result, events: repliedEvents(api, result, options.connectionId), metrics: deps.metrics.records };
  }

  /** One frame handled: its route response, with the connection API Gateway sends it back to. */
  async function replied(event: ReturnType<typeof wsEvent>, deps: ReturnType<typeof testDependencies>) {
    const result = await handleMessage(event, deps);
    return { connectionId: event.requestContext.connectionId, event: JSON.parse(result.body ?? "{}") as ServerEvent };
  }

  describe("ask: the allowed path", () => {
    it("acknowledges, then hands the question to its own function asynchronously", async () => {
      const { result, events } = await send(askBody({ prompt: "Where is my order?" }));

      expect(result.statusCode).toBe(200);
      expect(events).toEqual([{ connectionId: CONNECTION_A, event: { type: "accepted", answerId: answerIdOf() } }]);
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
      const input = lambda.commandCalls(InvokeCommand)[0].args[0].input;
      expect(input.FunctionName).toBe("multi-tenant-assistant-test-chat");
      expect(input.InvocationType).toBe("Event");
      expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString("utf8"))).toEqual({
        kind: "answer",
        answerId: answerIdOf(),
        conversationId: "conv-1",
        prompt: "Where is my order?",
        connectionId: CONNECTION_A,
        userId: USER_A,
        tenantId: TENANT_A,
      });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { connectionId: CONNECTION_A }, ConsistentRead: true });
    });

    it("counts the accepted ask for the caller's tenant (metrics)", async () => {
      const { metrics } = await send(askBody());
      expect(metrics).toEqual([{ kind: "ask", tenantId: TENANT_A }]);
    });

    it("remembers the owner it checked, for the answer step in the same environment (I6); a refused ask remembers nothing", async () => {
      const knownOwners = new KnownOwners();
      await handleMessage(wsEvent("ask", { body: askBody() }), testDependencies({ knownOwners }));
      expect(knownOwners.get(CONNECTION_A)).toEqual({ userId: USER_A, tenantId: TENANT_A });

      ddb.on(GetCommand, { Key: { connectionId: CONNECTION_B } }).resolves({ Item: recordFor(USER_B, TENANT_B, CONNECTION_B) });
      const refused = new KnownOwners();
      await handleMessage(wsEvent("ask", { body: askBody(), connectionId: CONNECTION_B }), testDependencies({ knownOwners: refused }));
      expect(refused.get(CONNECTION_B)).toBeUndefined();
    });

    it("reads no record for an owner its environment knows while the caller's own token serves (I6, T19)", async () => {
      const knownOwners = new KnownOwners();
      const deps = testDependencies({ knownOwners });
      const replies = [
        await replied(wsEvent("ask", { body: askBody({ answerId: answerIdOf(USER_A, "q-1") }) }), deps),
        await replied(wsEvent("ask", { body: askBody({ answerId: answerIdOf(USER_A, "q-2") }) }), deps),
      ];
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      expect(replies.map((e) => e.event.type)).toEqual(["accepted", "accepted"]);
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 2);
    });

    it("refuses a known owner who is someone else without a read, and hands nothing off", async () => {
      for (const owner of [{ userId: USER_B, tenantId: TENANT_A }, { userId: USER_A, tenantId: TENANT_B }]) {
        ddb.resetHistory();
        lambda.resetHistory();
        api.resetHistory();
        const knownOwners = new KnownOwners();
        knownOwners.remember({ connectionId: CONNECTION_A, ...owner });
        const deps = testDependencies({ knownOwners });
        expect((await replied(wsEvent("ask", { body: askBody() }), deps)).event).toEqual({
          type: "error",
          code: "forbidden",
          message: "this connection does not belong to you",
          answerId: answerIdOf(),
        });
        expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
        expect(ddb).not.toHaveReceivedCommand(GetCommand);
        expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
      }
    });

    it("reads the record once the caller's own token has expired: a renewed expiry serves, a record gone is refused", async () => {
      const expired = authorizerContext(USER_A, TENANT_A, NOW_SECONDS - 1);
      const knownOwners = new KnownOwners();
      knownOwners.remember(recordFor());
      const deps = testDependencies({ knownOwners });
      ddb.on(GetCommand).resolves({ Item: { ...recordFor(), tokenExpiresAt: NOW_SECONDS + 600 } });
      const replies = [await replied(wsEvent("ask", { body: askBody(), authorizer: expired }), deps)];
      ddb.on(GetCommand).resolves({});
      replies.push(await replied(wsEvent("ask", { body: askBody(), authorizer: expired }), deps));
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
      expect(replies.map((e) => [e.event.type, "code" in e.event ? e.event.code : undefined])).toEqual([
        ["accepted", undefined],
        ["error", "token_expired"],
      ]);
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    });

    it("refuses a connection whose record is gone or names another user when its environment does not know the owner; the owner's own still works", async () => {
      const knownOwners = new KnownOwners();
      const deps = testDependencies({ knownOwners });
      ddb.on(GetCommand, { Key: { connectionId: CONNECTION_B } }).resolves({});
      const replies = [await replied(wsEvent("ask", { body: askBody(), connectionId: CONNECTION_B }), deps)];
      ddb.on(GetCommand, { Key: { connectionId: "conn-c" } }).resolves({ Item: recordFor(USER_B, TENANT_A, "conn-c") });
      replies.push(await replied(wsEvent("ask", { body: askBody(), connectionId: "conn-c" }), deps));
      replies.push(await replied(wsEvent("ask", { body: askBody(), connectionId: "conn-c" }), deps));
      replies.push(await replied(wsEvent("ask", { body: askBody() }), deps));
      expect(replies.map((e) => [e.connectionId, e.event.type, "code" in e.event ? e.event.code : undefined])).toEqual([
        [CONNECTION_B, "error", "forbidden"],
        ["conn-c", "error", "forbidden"],
        ["conn-c", "error", "forbidden"],
        [CONNECTION_A, "accepted", undefined],
      ]);
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
      expect(knownOwners.get(CONNECTION_B)).toBeUndefined();
      expect(knownOwners.get("conn-c")).toBeUndefined();
    });

    it("takes identity from the authorizer context, not from anything the client sends", async () => {
      const body = JSON.stringify({ ...JSON.parse(askBody()), tenantId: TENANT_B });
      const { events } = await send(body);
      // Unknown fields are refused outright (strict schema), so a client cannot even try.
      expect(events[0].event).toMatchObject({ type: "error", code: "bad_request", answerId: answerIdOf() });
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    });

    it("accepts a prompt of exactly the maximum length", async () => {
      const { events } = await send(askBody({ prompt: "x".repeat(PROMPT_MAX_CHARS) }));
      expect(events.map((e) => e.event.type)).toEqual(["accepted"]);
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    });

    it("reports a failed hand-off as an internal error with the answerId, instead of `accepted`", async () => {
      lambda.on(InvokeCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
      const { result, events, metrics } = await send(askBody());
      expect(result.statusCode).toBe(200);
      expect(events.map((e) => e.event)).toEqual([{ type: "error", answerId: answerIdOf(), code: "internal", message: expect.any(String) }]);
      expect(metrics).toEqual([{ kind: "error", tenantId: TENANT_A, code: "internal" }]);
    });

    it("treats a non-2xx invoke status as a failed hand-off", async () => {
      lambda.on(InvokeCommand).resolves({ StatusCode: 500 });
      const { events } = await send(askBody());
      expect(events.map((e) => e.event)).toEqual([expect.objectContaining({ type: "error", code: "internal", answerId: answerIdOf() })]);
    });

    it("returns the frame's one reply as the route response body and posts nothing (two-way routes)", async () => {
      const { result } = await send(askBody());
      expect(result).toEqual({ statusCode: 200, body: JSON.stringify({ type: "accepted", answerId: answerIdOf() }) });
      expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
      // Nothing is sent, so nothing can find the connection gone; a record is never deleted here either.
      expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
    });

    it("replies `accepted` only once the hand-off was queued", async () => {
      let release: () => void = () => undefined;
      lambda.on(InvokeCommand).callsFake(() => new Promise((resolve) => (release = () => resolve({ StatusCode: 202 }))));
      let returned = false;
      const handled = send(askBody()).then((sent) => ((returned = true), sent));
      for (let i = 0; i < 50 && lambda.commandCalls(InvokeCommand).length === 0; i++) await new Promise((r) => setImmediate(r));
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
      await new Promise((r) => setImmediate(r));
      expect(returned).toBe(false);
      release();
      const { events } = await handled;
      expect(events.map((e) => e.event.type)).toEqual(["accepted"]);
    });

    it("spends the allowance while it reads the owner (one round trip), not after", async () => {
      let release: () => void = () => undefined;
      ddb.on(GetCommand).callsFake(() => new Promise((resolve) => (release = () => resolve({ Item: recordFor() }))));
      const handled = send(askBody());
      for (let i = 0; i < 50 && ddb.commandCalls(UpdateCommand).length === 0; i++) await new Promise((r) => setImmediate(r));
      expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
      release();
      expect((await handled).events.map((e) => e.event.type)).toEqual(["accepted"]);
    });

    it("reports an unexpected failure (connections table down) as internal with the answerId", async () => {
      ddb.on(GetCommand).rejects(new Error("ProvisionedThroughputExceededException"));
      const { result, events } = await send(askBody());
      expect(result.statusCode).toBe(200);
      expect(events.map((e) => e.event)).toEqual([
        { type: "error", answerId: answerIdOf(), code: "internal", message: expect.any(String) },
      ]);
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    });
  });

  describe("ask: the per-user rate limit", () => {
    const windowFull = () => new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });

    it("counts an allowed ask once, in the caller's own window, before acknowledging it", async () => {
      const { events } = await send(askBody());
      expect(events.map((e) => e.event.type)).toEqual(["accepted"]);
      expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: CONFIG.limitsTableName,
        Key: { limitKey: askWindow(USER_A, NOW).limitKey },
        ExpressionAttributeValues: expect.objectContaining({ ":max": CONFIG.asksPerUserPerMinute }),
      });
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    });

    it("answers a full window with throttled and the answerId, and hands nothing off", async () => {
      ddb.on(UpdateCommand).rejects(windowFull());
      const { result, events, metrics } = await send(askBody());
      expect(result.statusCode).toBe(200);
      expect(metrics).toEqual([{ kind: "error", tenantId: TENANT_A, code: "throttled" }]);
      expect(events).toEqual([
        { connectionId: CONNECTION_A, event: { type: "error", answerId: answerIdOf(), code: "throttled", message: THROTTLED_MESSAGE } },
      ]);
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    });

    it("fails closed: any other limits-table error is internal, with no acknowledgement and no hand-off", async () => {
      ddb.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }));
      const { result, events } = await send(askBody());
      expect(result.statusCode).toBe(200);
      expect(events.map((e) => e.event)).toEqual([
        { type: "error", answerId: answerIdOf(), code: "internal", message: expect.any(String) },
      ]);
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    });

    it("spends no allowance on an ask that is refused anyway (another user's answerId), and reads nothing", async () => {
      const { events } = await send(askBody({ answerId: answerIdOf(USER_B) }));
      expect(events[0].event).toMatchObject({ type: "error", code: "forbidden" });
      expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
      expect(ddb).not.toHaveReceivedCommand(GetCommand);
    });

    it("gives back the allowance of an ask the owner check refuses (another user's connection)", async () => {
      ddb.on(GetCommand).resolves({ Item: recordFor(USER_B) });
      const { events } = await send(askBody());
      expect(events.map((e) => e.event)).toEqual([expect.objectContaining({ type: "error", code: "forbidden" })]);
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
      const updates = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
      expect(updates).toEqual([
        expect.objectContaining({ Key: { limitKey: askWindow(USER_A, NOW).limitKey }, UpdateExpression: "ADD asks :one SET #ttl = :ttl" }),
        expect.objectContaining({ Key: { limitKey: askWindow(USER_A, NOW).limitKey }, UpdateExpression: "ADD asks :minusOne" }),
      ]);
    });

    it("gives nothing back when the window was already full (nothing was spent)", async () => {
      ddb.on(GetCommand).resolves({ Item: recordFor(USER_B) });
      ddb.on(UpdateCommand).rejects(windowFull());
      const { events } = await send(askBody());
      expect(events[0].event).toMatchObject({ type: "error", code: "forbidden" });
      expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    });

    it("gives the allowance back when the owner read fails, and reports internal", async () => {
      ddb.on(GetCommand).rejects(new Error("ProvisionedThroughputExceededException"));
      const { events } = await send(askBody());
      expect(events[0].event).toMatchObject({ type: "error", code: "internal" });
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: "ADD asks :minusOne" });
    });

    it("keys the counter by the verified caller, whatever the frame says", async () => {
      ddb.on(GetCommand).resolves({ Item: recordFor(USER_B, TENANT_A) });
      await send(askBody({ answerId: answerIdOf(USER_B) }), { authorizer: authorizerContext(USER_B, TENANT_A) });
      expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { Key: { limitKey: askWindow(USER_B, NOW).limitKey } });
    });

    it("does not count pings", async () => {
      await send(JSON.stringify({ action: "ping" }), {}, "ping");
      expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    });
  });

  describe("ask: rejections", () => {
    const rejected = async (body: string | null, options: Parameters<typeof wsEvent>[1] = {}, route = "ask") => {
      const { result, events } = await send(body, options, route);
      expect(result.statusCode).toBe(200);
      expect(events).toHaveLength(1);
      expect(events[0].connectionId).toBe(CONNECTION_A);
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
      return events[0].event;
    };

    it.each([
      ["garbled JSON", '{"action":"ask",', "message is not valid JSON"],
      ["an empty frame", "", "empty message"],
      ["a JSON array", "[1,2]", "message must be a JSON object"],
      ["a prompt of the wrong type", JSON.stringify({ action: "ask", answerId: answerIdOf(), conversationId: "c", prompt: 42 }), "prompt:"],
      ["a missing conversationId", JSON.stringify({ action: "ask", answerId: answerIdOf(), prompt: "hi" }), "conversationId:"],
      ["a conversationId with bad characters", askBody({ conversationId: "../other" }), "conversationId:"],
      ["an empty prompt", askBody({ prompt: "" }), "prompt must not be empty"],
      ["an oversize prompt", askBody({ prompt: "x".repeat(PROMPT_MAX_CHARS + 1) }), `at most ${PROMPT_MAX_CHARS} characters`],
      ["an oversize frame", askBody({ prompt: "é".repeat(17_000) }), "exceeds 32768 bytes"],
      ["a malformed answerId", askBody({ answerId: "not-an-answer-id" }), "answerId:"],
    ])("refuses %s with bad_request", async (_label, body, expected) => {
      const event = await rejected(body);
      expect(event).toMatchObject({ type: "error", code: "bad_request" });
      expect((event as { message: string }).message).toContain(expected);
    });

    it("pairs a bad_request with the answerId when one can be read", async () => {
      const event = await rejected(askBody({ prompt: "" }));
      expect(event).toMatchObject({ code: "bad_request", answerId: answerIdOf() });
    });

    it("refuses an unknown action with bad_request naming it (on $default)", async () => {
      const event = await rejected(JSON.stringify({ action: "deleteEverything" }), {}, "$default");
      expect(event).toMatchObject({ type: "error", code: "bad_request", message: 'unknown action "deleteEverything"' });
    });

    it("refuses garbled JSON on $default with bad_request", async () => {
      const event = await rejected("not json at all", {}, "$default");
      expect(event).toMatchObject({ code: "bad_request", message: "message is not valid JSON" });
    });

    it("refuses an answerId of another user's sub with forbidden", async () => {
      const event = await rejected(askBody({ answerId: answerIdOf(USER_B) }));
      expect(event).toMatchObject({ type: "error", code: "forbidden", answerId: answerIdOf(USER_B) });
    });

    it("refuses when the token has expired with token_expired", async () => {
      // As $connect wrote it: the record carries the same expiry as the context.
      ddb.on(GetCommand).resolves({ Item: { ...recordFor(), tokenExpiresAt: NOW_SECONDS - 1 } });
      const event = await rejected(askBody(), { authorizer: authorizerContext(USER_A, TENANT_A, NOW_SECONDS - 1) });
      expect(event).toMatchObject({ type: "error", code: "token_expired", answerId: answerIdOf() });
    });

    it("refuses when the token expires exactly now", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...recordFor(), tokenExpiresAt: NOW_SECONDS } });
      const event = await rejected(askBody(), { authorizer: authorizerContext(USER_A, TENANT_A, NOW_SECONDS) });
      expect(event).toMatchObject({ code: "token_expired" });
    });

    it("refuses when the connection record belongs to another user with forbidden", async () => {
      ddb.on(GetCommand).resolves({ Item: recordFor(USER_B, TENANT_A) });
      const event = await rejected(askBody());
      expect(event).toMatchObject({ type: "error", code: "forbidden", answerId: answerIdOf() });
    });

    it("refuses when the connection record names another tenant with forbidden", async () => {
      ddb.on(GetCommand).resolves({ Item: recordFor(USER_A, TENANT_B) });
      expect(await rejected(askBody())).toMatchObject({ code: "forbidden" });
    });

    it("refuses when the connection has no record with forbidden", async () => {
      ddb.on(GetCommand).resolves({});
      expect(await rejected(askBody())).toMatchObject({ code: "forbidden", answerId: answerIdOf() });
    });

    it.each([
      ["missing", undefined],
      ["without a tenant", { userId: USER_A, tokenExpiresAt: NOW_SECONDS + 60 }],
      ["with a malformed sub", { userId: "admin", tenantId: TENANT_A, tokenExpiresAt: NOW_SECONDS + 60 }],
      ["with a malformed expiry", { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: "soon" }],
    ])("refuses when the authorizer context is %s with forbidden", async (_label, authorizer) => {
      const event = await rejected(askBody(), { authorizer });
      expect(event).toMatchObject({ type: "error", code: "forbidden", answerId: answerIdOf() });
      expect(ddb).not.toHaveReceivedCommand(GetCommand);
    });

    it("accepts an expiry that API Gateway delivered as a numeric string", async () => {
      const authorizer = { ...authorizerContext(), tokenExpiresAt: String(NOW_SECONDS + 60) };
      const { events } = await send(askBody(), { authorizer });
      expect(events.map((e) => e.event.type)).toEqual(["accepted"]);
    });

    it("keeps the connection usable: a bad frame then a good one", async () => {
      const deps = testDependencies();
      const bad = await handleMessage(wsEvent("ask", { body: "{oops" }), deps);
      const good = await handleMessage(wsEvent("ask", { body: askBody() }), deps);
      expect([bad, good].map((result) => JSON.parse(result.body ?? "{}").type)).toEqual(["error", "accepted"]);
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    });

    it("decodes base64-encoded frames", async () => {
      const event = wsEvent("ask", { body: Buffer.from(askBody()).toString("base64") });
      event.isBase64Encoded = true;
      const result = await handleMessage(event, testDependencies());
      expect(repliedEvents(api, result).map((e) => e.event.type)).toEqual(["accepted"]);
    });
  });

  describe("ping", () => {
    it.each(["ping", "$default"])("answers pong on the %s route without touching the table", async (route) => {
      const { result, events } = await send(JSON.stringify({ action: "ping" }), {}, route);
      expect(result.statusCode).toBe(200);
      expect(events).toEqual([{ connectionId: CONNECTION_A, event: { type: "pong" } }]);
      expect(ddb).not.toHaveReceivedCommand(GetCommand);
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    });

    it("refuses a ping with extra fields", async () => {
      const { events } = await send(JSON.stringify({ action: "ping", x: 1 }), {}, "$default");
      expect(events[0].event).toMatchObject({ type: "error", code: "bad_request" });
    });
  });

  describe("logs", () => {
    it("carry each frame's own keys: one frame's caller never reaches the next frame's lines (one logger per environment)", async () => {
      const logger = createLogger("chat-test");
      const { lines } = await captureOutput(async () => {
        // Alice's ask refused (another user's answerId), then a frame without an authorizer context.
        await handleMessage(wsEvent("ask", { body: askBody({ answerId: answerIdOf(USER_B) }) }), { ...testDependencies(), logger });
        await handleMessage(wsEvent("ask", { body: askBody(), authorizer: {} }), { ...testDependencies(), logger });
      });
      expect(lines.map((line) => line.message)).toEqual(["ask refused", "message refused: missing or malformed authorizer context"]);
      expect(lines[0]).toMatchObject({ route: "ask", tenantId: TENANT_A, userId: USER_A, answerId: answerIdOf(USER_B) });
      expect(lines[1]).toMatchObject({ route: "ask" });
      for (const key of ["tenantId", "userId", "answerId"]) expect(lines[1]).not.toHaveProperty(key);
    });
  });

  describe("every frame's result carries its reply (I9)", () => {
    it("answers an unexpected failure with internal, as the body, whatever PostToConnection would say", async () => {
      api.on(PostToConnectionCommand).rejects(new Error("InternalServerError"));
      ddb.on(GetCommand).rejects(new Error("ProvisionedThroughputExceededException"));
      const { result } = await send(askBody());
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body ?? "")).toMatchObject({ type: "error", code: "internal", answerId: answerIdOf() });
    });

    it.each([
      ["ask", askBody()],
      ["ask", "{oops"],
      ["$default", JSON.stringify({ action: "ping" })],
      ["$default", JSON.stringify({ action: "stop", answerId: answerIdOf() })],
      ["$default", JSON.stringify({ action: "hello" })],
      ["$default", JSON.stringify({ action: "nope" })],
      ["$default", null],
    ])("returns a body on %s for %s (API Gateway would send an empty frame without one)", async (route, body) => {
      const { result } = await send(body, {}, route);
      expect(result.statusCode).toBe(200);
      expect(typeof result.body).toBe("string");
      expect(JSON.parse(result.body ?? "")).toHaveProperty("type");
    });
  });
});

/**
 * `$connect` stores identity from the authorizer context only and echoes the app
 * subprotocol (never the token).
 */
describe("$connect", () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(PutCommand).resolves({});
  });

  describe("$connect", () => {
    it("stores the connection from the authorizer context and echoes only the app protocol", async () => {
      const result = await handleConnect(
        wsEvent("$connect", { headers: { "Sec-WebSocket-Protocol": `${APP_PROTOCOL}, ${FAKE_JWT}` } }),
        testDependencies(),
      );

      expect(result).toEqual({ statusCode: 200, headers: { "Sec-WebSocket-Protocol": APP_PROTOCOL } });
      expect(JSON.stringify(result)).not.toContain(FAKE_JWT);
      expect(ddb).toHaveReceivedCommandWith(PutCommand, {
        TableName: "multi-tenant-assistant-test-connections",
        Item: {
          connectionId: CONNECTION_A,
          userId: USER_A,
          tenantId: TENANT_A,
          connectedAt: NOW.toISOString(),
          tokenExpiresAt: TOKEN_EXPIRES_AT,
          ttl: NOW_SECONDS + MAX_CONNECTION_MS / 1000 + 300,
        },
      });
    });

    it("matches the header name case-insensitively", async () => {
      const result = await handleConnect(
        wsEvent("$connect", { headers: { "sec-websocket-protocol": `${APP_PROTOCOL},${FAKE_JWT}` } }),
        testDependencies(),
      );
      expect(result.headers).toEqual({ "Sec-WebSocket-Protocol": APP_PROTOCOL });
    });

    it("echoes nothing when the client did not offer the app protocol", async () => {
      const result = await handleConnect(
        wsEvent("$connect", { headers: { "Sec-WebSocket-Protocol": `other.v2, ${FAKE_JWT}` } }),
        testDependencies(),
      );
      expect(result).toEqual({ statusCode: 200 });
    });

    it("echoes nothing when no subprotocol was offered", async () => {
      const result = await handleConnect(wsEvent("$connect", { headers: {} }), testDependencies());
      expect(result).toEqual({ statusCode: 200 });
    });

    it("reads the offer from repeated header lines (multiValueHeaders)", async () => {
      const event = { ...wsEvent("$connect"), multiValueHeaders: { "SEC-WEBSOCKET-PROTOCOL": [APP_PROTOCOL, FAKE_JWT] } };
      const result = await handleConnect(event, testDependencies());
      expect(result.headers).toEqual({ "Sec-WebSocket-Protocol": APP_PROTOCOL });
    });

    it("does not mistake a protocol with the app protocol as a prefix for it", async () => {
      const result = await handleConnect(
        wsEvent("$connect", { headers: { "Sec-WebSocket-Protocol": `${APP_PROTOCOL}x` } }),
        testDependencies(),
      );
      expect(result.headers).toBeUndefined();
    });

    it.each([
      ["missing", undefined],
      ["empty", {}],
      ["without userId", { tenantId: TENANT_A, tokenExpiresAt: TOKEN_EXPIRES_AT }],
      ["with a malformed tenant", { userId: USER_A, tenantId: "Tenant_1", tokenExpiresAt: TOKEN_EXPIRES_AT }],
      ["without an expiry", { userId: USER_A, tenantId: TENANT_A }],
    ])("refuses with 403 and stores nothing when the authorizer context is %s", async (_label, authorizer) => {
      const result = await handleConnect(
        wsEvent("$connect", { authorizer, headers: { "Sec-WebSocket-Protocol": `${APP_PROTOCOL}, ${FAKE_JWT}` } }),
        testDependencies(),
      );
      expect(result).toEqual({ statusCode: 403 });
      expect(ddb).not.toHaveReceivedCommand(PutCommand);
    });

    it("never takes identity from headers or query the client controls", async () => {
      const event = wsEvent("$connect", { headers: { "x-tenant-id": "tenant2", "x-user-id": "someone" } });
      await handleConnect(event, testDependencies());
      expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ userId: USER_A, tenantId: TENANT_A }) });
    });

    it("answers 500 when the record cannot be stored", async () => {
      ddb.on(PutCommand).rejects(new Error("ResourceNotFoundException"));
      const result = await handleConnect(wsEvent("$connect"), testDependencies());
      expect(result).toEqual({ statusCode: 500 });
    });
  });
});

/** `$disconnect` forgets the connection, so nothing is sent to it or in its name again. */
describe("$disconnect", () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(DeleteCommand).resolves({});
  });

  describe("$disconnect", () => {
    it("deletes the connection record", async () => {
      const result = await handleDisconnect(wsEvent("$disconnect"), testDependencies());
      expect(result).toEqual({ statusCode: 200 });
      expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
        TableName: "multi-tenant-assistant-test-connections",
        Key: { connectionId: CONNECTION_A },
      });
    });

    it("forgets the connection's owner in its environment (the id is never used again)", async () => {
      const knownOwners = new KnownOwners();
      knownOwners.remember(recordFor());
      knownOwners.remember(recordFor(USER_B, TENANT_B, CONNECTION_B));
      await handleDisconnect(wsEvent("$disconnect"), testDependencies({ knownOwners }));
      expect(knownOwners.get(CONNECTION_A)).toBeUndefined();
      expect(knownOwners.get(CONNECTION_B)).toEqual({ userId: USER_B, tenantId: TENANT_B });
    });

    it("deletes only the record of the connection that closed", async () => {
      await handleDisconnect(wsEvent("$disconnect", { connectionId: CONNECTION_B }), testDependencies());
      expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 1);
      expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { connectionId: CONNECTION_B } });
    });

    it("answers 500 when the delete fails (the TTL cleans up)", async () => {
      ddb.on(DeleteCommand).rejects(new Error("InternalServerError"));
      expect(await handleDisconnect(wsEvent("$disconnect"), testDependencies())).toEqual({ statusCode: 500 });
    });
  });
});

/** Subprotocol negotiation on `$connect`: the app protocol when offered, never the token. */
describe("subprotocol", () => {
  describe("connectResponseHeaders", () => {
    it("chooses the app protocol, never the token", () => {
      const headers = connectResponseHeaders([APP_PROTOCOL, FAKE_JWT], APP_PROTOCOL);
      expect(headers).toEqual({ "Sec-WebSocket-Protocol": APP_PROTOCOL });
      expect(JSON.stringify(headers)).not.toContain(FAKE_JWT);
    });

    it("chooses the app protocol wherever it stands in the offer", () => {
      expect(connectResponseHeaders(["other.v2", APP_PROTOCOL], APP_PROTOCOL)).toEqual({ "Sec-WebSocket-Protocol": APP_PROTOCOL });
    });

    it.each([
      ["only a token", [FAKE_JWT]],
      ["nothing", []],
      ["a protocol with the app protocol as prefix", [`${APP_PROTOCOL}x`]],
    ])("answers no header when the offer is %s", (_label, offered) => {
      expect(connectResponseHeaders(offered, APP_PROTOCOL)).toBeUndefined();
    });
  });
});

/** The ask decision (I5 and I6) as a pure function. */
describe("ask policy", () => {
  describe("decideAsk", () => {
    const message = { action: "ask" as const, answerId: answerIdOf(), conversationId: "c-1", prompt: "hello" };
    const caller = { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: TOKEN_EXPIRES_AT };
    const base = { message, caller, connectionId: CONNECTION_A, record: recordFor(), now: NOW };

    it("allows the owner", () => expect(decideAsk(base)).toEqual({ ok: true }));
    it("checks the answerId prefix first", () =>
      expect(decideAsk({ ...base, message: { ...message, answerId: answerIdOf(USER_B) }, record: undefined })).toMatchObject({
        code: "forbidden",
      }));
    it("refuses a record for another connection id", () =>
      expect(decideAsk({ ...base, connectionId: "other" })).toMatchObject({ ok: false, code: "forbidden" }));
  });
});

/** Recognising route events and reading their headers. */
describe("websocket event", () => {
  describe("isWebSocketEvent", () => {
    it("recognises route events and nothing else", () => {
      expect(isWebSocketEvent(wsEvent("ask"))).toBe(true);
      expect(isWebSocketEvent({ kind: "answer" })).toBe(false);
      expect(isWebSocketEvent({ requestContext: { routeKey: "ask" } })).toBe(false);
      expect(isWebSocketEvent(null)).toBe(false);
    });
  });
});

describe("offboarded users (I17)", () => {
  const ISSUED = NOW_SECONDS - 60;
  const issuedContext = { ...authorizerContext(), tokenIssuedAt: ISSUED };

  beforeEach(() => {
    ddb.reset();
    api.reset();
    lambda.reset();
    ddb.on(GetCommand).resolves({ Item: recordFor() });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    api.on(PostToConnectionCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  });

  function depsRevokedAt(revokedAt?: number) {
    const deps = testDependencies();
    const store = deps.revocations as MemoryRevocations;
    if (revokedAt !== undefined) store.records.set(USER_A, revokedAt);
    return { deps, store };
  }

  it("refuses $connect with a token issued before the user's offboarding, storing nothing", async () => {
    const { deps } = depsRevokedAt(ISSUED);
    const result = await handleConnect(wsEvent("$connect", { authorizer: issuedContext }), deps);
    expect(result.statusCode).toBe(403);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it("accepts $connect with a token issued after it (the user signed in again), reading only the latest revocation", async () => {
    const { deps, store } = depsRevokedAt(ISSUED - 1);
    const result = await handleConnect(wsEvent("$connect", { authorizer: issuedContext }), deps);
    expect(result.statusCode).toBe(200);
    // Every revocation predates the token: the user's own record is not read.
    expect(store.latestReads).toBe(1);
    expect(store.reads).toBe(0);
  });

  it("fails $connect closed when the latest revocation, or the user's record, cannot be read", async () => {
    const { deps } = depsRevokedAt();
    (deps.revocations as MemoryRevocations).latest = async () => Promise.reject(new Error("down"));
    expect((await handleConnect(wsEvent("$connect", { authorizer: issuedContext }), deps)).statusCode).toBe(500);
    const revoked = depsRevokedAt(ISSUED);
    (revoked.deps.revocations as MemoryRevocations).get = async () => Promise.reject(new Error("down"));
    expect((await handleConnect(wsEvent("$connect", { authorizer: issuedContext }), revoked.deps)).statusCode).toBe(500);
  });

  it("refuses an ask on an open socket with session_ended and hands nothing off; one read per ask", async () => {
    const { deps, store } = depsRevokedAt(ISSUED);
    const result = await handleMessage(wsEvent("ask", { body: askBody(), authorizer: issuedContext }), deps);
    expect(repliedEvents(api, result).map((p) => p.event)).toEqual([expect.objectContaining({ type: "error", code: "session_ended" })]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    // The ask spent while the checks ran is given back: a refused ask costs no allowance (I11).
    expect(ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input.UpdateExpression)).toEqual([
      "ADD asks :one SET #ttl = :ttl",
      "ADD asks :minusOne",
    ]);
    expect(store.reads).toBe(1);
  });

  it("serves the ask of a user without a record", async () => {
    const { deps } = depsRevokedAt();
    await handleMessage(wsEvent("ask", { body: askBody(), authorizer: issuedContext }), deps);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });

  it("decideAsk refuses a revoked caller before anything else about the connection", () => {
    const decision = decideAsk({
      message: JSON.parse(askBody()) as Parameters<typeof decideAsk>[0]["message"],
      caller: { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: TOKEN_EXPIRES_AT },
      connectionId: CONNECTION_A,
      record: recordFor(),
      now: NOW,
      revoked: true,
    });
    expect(decision).toMatchObject({ ok: false, code: "session_ended" });
  });
});
