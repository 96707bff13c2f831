/**
 * lambdas/chat/stop-requests.ts and stop-route.ts: the stop marker (key, TTL, idempotent
 * write, read), the polling watch (never faster than its interval, one read at a time, a
 * failed read is not a stop), and the `stop` frame: only the caller's own answerIds,
 * recorded and acknowledged with `stopping`, every refusal a specific error (I5, I9, I16).
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { handleMessage } from "../../../../lambdas/chat/routes";
import {
  STOP_CHECK_INTERVAL_MS,
  STOP_MARKER_TTL_SECONDS,
  stopKey,
  stopRequest,
  StopRequests,
  type StopWatchTimers,
  watchForStop,
} from "../../../../lambdas/chat/stop-requests";
import { decideStop } from "../../../../lambdas/chat/stop-route";
import {
  answerIdOf,
  authorizerContext,
  CONFIG,
  CONNECTION_A,
  NOW,
  NOW_SECONDS,
  recordFor,
  repliedEvents,
  testDependencies,
  USER_A,
  USER_B,
  wsEvent,
} from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);

beforeEach(() => {
  ddb.reset();
  api.reset();
  api.on(PostToConnectionCommand).resolves({});
});

describe("the stop marker", () => {
  it("is keyed by the whole answerId under stop#, with a TTL past the longest answer", () => {
    expect(stopKey(answerIdOf())).toBe(`stop#${USER_A}.q-1`);
    const input = stopRequest("limits", answerIdOf(), NOW);
    expect(input.Key).toEqual({ limitKey: `stop#${USER_A}.q-1` });
    expect(input.ExpressionAttributeValues).toEqual({ ":ttl": NOW_SECONDS + STOP_MARKER_TTL_SECONDS });
    expect(STOP_MARKER_TTL_SECONDS).toBeGreaterThan(300);
    // No condition: a second stop is harmless.
    expect(input.ConditionExpression).toBeUndefined();
  });

  it("is written with UpdateItem and read with a GetItem of that key", async () => {
    ddb.on(UpdateCommand).resolves({});
    ddb.on(GetCommand, { Key: { limitKey: stopKey(answerIdOf()) } }).resolves({ Item: { limitKey: stopKey(answerIdOf()) } });
    ddb.on(GetCommand, { Key: { limitKey: stopKey(answerIdOf(USER_A, "other")) } }).resolves({});
    const store = new StopRequests(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), "limits");
    await store.request(answerIdOf(), NOW);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { TableName: "limits", Key: { limitKey: stopKey(answerIdOf()) } });
    await expect(store.isRequested(answerIdOf())).resolves.toBe(true);
    await expect(store.isRequested(answerIdOf(USER_A, "other"))).resolves.toBe(false);
  });
});

describe("watchForStop", () => {
  function manualTimers() {
    let tick: (() => void) | undefined;
    let intervalMs = 0;
    let cleared = false;
    const timers: StopWatchTimers = {
      setInterval: (fn, ms) => {
        tick = fn;
        intervalMs = ms;
        return 1;
      },
      clearInterval: () => {
        cleared = true;
      },
    };
    return { timers, tick: () => tick?.(), intervalMs: () => intervalMs, cleared: () => cleared };
  }
  const flush = () => new Promise((r) => setImmediate(r));

  it("reads once per interval, never before the first one, and aborts when a stop is recorded", async () => {
    const clock = manualTimers();
    let requested = false;
    const reads: string[] = [];
    const watch = watchForStop({ isRequested: async (id) => (reads.push(id), requested) }, answerIdOf(), { timers: clock.timers });
    expect(clock.intervalMs()).toBe(STOP_CHECK_INTERVAL_MS);
    expect(reads).toEqual([]);
    clock.tick();
    await flush();
    expect(reads).toHaveLength(1);
    expect(watch.stopped()).toBe(false);
    expect(watch.signal.aborted).toBe(false);
    requested = true;
    clock.tick();
    await flush();
    expect(watch.stopped()).toBe(true);
    expect(watch.signal.aborted).toBe(true);
    expect(clock.cleared()).toBe(true);
  });

  it("never has two reads in flight, and a failed read is not a stop", async () => {
    const clock = manualTimers();
    let release: (v: boolean) => void = () => undefined;
    let reads = 0;
    const errors: unknown[] = [];
    const watch = watchForStop(
      { isRequested: () => (++reads === 1 ? new Promise<boolean>((r) => (release = r)) : Promise.reject(new Error("throttled"))) },
      answerIdOf(),
      { timers: clock.timers, onError: (e) => errors.push(e) },
    );
    clock.tick();
    clock.tick();
    expect(reads).toBe(1);
    release(false);
    await flush();
    clock.tick();
    await flush();
    expect(reads).toBe(2);
    expect(errors).toHaveLength(1);
    expect(watch.stopped()).toBe(false);
    expect(watch.signal.aborted).toBe(false);
  });

  it("after dispose, a late answer does not stop anything", async () => {
    const clock = manualTimers();
    let release: (v: boolean) => void = () => undefined;
    const watch = watchForStop({ isRequested: () => new Promise<boolean>((r) => (release = r)) }, answerIdOf(), { timers: clock.timers });
    clock.tick();
    watch.dispose();
    release(true);
    await flush();
    expect(clock.cleared()).toBe(true);
    expect(watch.signal.aborted).toBe(false);
  });
});

describe("the stop frame", () => {
  const stopBody = (answerId = answerIdOf()) => JSON.stringify({ action: "stop", answerId });
  const send = async (body: string, authorizer: unknown = authorizerContext()) => {
    const result = await handleMessage(wsEvent("$default", { body, authorizer }), testDependencies());
    return { result, events: repliedEvents(api, result) };
  };

  it("records the stop for the caller's own answer and replies stopping", async () => {
    ddb.on(UpdateCommand).resolves({});
    const { result, events } = await send(stopBody());
    expect(result.statusCode).toBe(200);
    expect(events).toEqual([{ connectionId: CONNECTION_A, event: { type: "stopping", answerId: answerIdOf() } }]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { TableName: CONFIG.limitsTableName, Key: { limitKey: `stop#${answerIdOf()}` } });
  });

  it("refuses another user's answerId as forbidden and records nothing", async () => {
    const { events } = await send(stopBody(answerIdOf(USER_B)));
    expect(events.map((e) => e.event)).toEqual([
      { type: "error", answerId: answerIdOf(USER_B), code: "forbidden", message: "answerId must start with your own user id" },
    ]);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it("refuses after the token expired, and fails closed with internal when the marker cannot be written", async () => {
    // The connection was never renewed: its record carries the context's expiry.
    ddb.on(GetCommand, { Key: { connectionId: CONNECTION_A } }).resolves({ Item: { ...recordFor(), tokenExpiresAt: NOW_SECONDS - 1 } });
    const expired = await send(stopBody(), authorizerContext(USER_A, "tenant1", NOW_SECONDS - 1));
    expect(expired.events.map((e) => e.event)).toEqual([expect.objectContaining({ type: "error", code: "token_expired" })]);
    api.reset();
    api.on(PostToConnectionCommand).resolves({});
    ddb.on(UpdateCommand).rejects(new Error("ProvisionedThroughputExceeded"));
    const failed = await send(stopBody());
    expect(failed.events.map((e) => e.event)).toEqual([
      { type: "error", answerId: answerIdOf(), code: "internal", message: "the answer could not be stopped; please try again" },
    ]);
  });

  it.each([
    ['{"action":"stop"}', "answerId"],
    ['{"action":"stop","answerId":"not-a-sub.x"}', "answerId must be"],
    [`{"action":"stop","answerId":"${USER_A}.q-1","tenantId":"tenant2"}`, "Unrecognized key"],
  ])("a malformed stop frame %s gets bad_request", async (body, fragment) => {
    const { events } = await send(body);
    expect(events).toHaveLength(1);
    expect(events[0].event).toMatchObject({ type: "error", code: "bad_request" });
    expect((events[0].event as { message: string }).message).toContain(fragment);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it("decideStop: own answer allowed; another sub forbidden", () => {
    const caller = { userId: USER_A, tenantId: "tenant1", tokenExpiresAt: NOW_SECONDS + 60 };
    expect(decideStop({ action: "stop", answerId: answerIdOf() }, caller, NOW)).toEqual({ ok: true });
    expect(decideStop({ action: "stop", answerId: answerIdOf(USER_B) }, caller, NOW)).toMatchObject({ ok: false, code: "forbidden" });
  });
});
