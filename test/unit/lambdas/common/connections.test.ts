/**
 * lambdas/common/connections.ts: the connections table record and store; the low-level
 * post ("gone" on HTTP 410, other failures rethrown); route-level replies to the sender
 * without an owner lookup; and AnswerChannel (I6), which posts only to a
 * connection whose stored owner is the user being answered. Sending never deletes a
 * record (only $disconnect and offboarding do).
 */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import {
  AnswerChannel,
  connectionRecord,
  ConnectionStore,
  isGoneException,
  postToConnection,
  replyToSender,
  KnownOwners,
} from "../../../../lambdas/common/connections";
import { chunk, done, pong, status } from "../../../../lambdas/common/server-events";
import { MAX_CONNECTION_MS } from "../../../../web/js/protocol-limits.js";
import { CONNECTION_A, postedEvents, testDependencies } from "../chat/fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);

/** The connections table record and store. */
describe("connection records", () => {
  const NOW = new Date("2026-11-02T10:00:00.000Z");
  const record = connectionRecord({
    connectionId: "c1",
    userId: "11111111-1111-4111-8111-111111111111",
    tenantId: "tenant1",
    tokenExpiresAt: 1_800_000_000,
    now: NOW,
  });
  const store = () => new ConnectionStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), "conns");

  beforeEach(() => ddb.reset());

  it("builds a record whose TTL outlives API Gateway's 2-hour limit", () => {
    expect(record.connectedAt).toBe(NOW.toISOString());
    expect(record.ttl).toBeGreaterThan(NOW.getTime() / 1000 + MAX_CONNECTION_MS / 1000);
    expect(record.ttl).toBeLessThan(NOW.getTime() / 1000 + MAX_CONNECTION_MS / 1000 + 3600);
  });

  it("puts, reads consistently and deletes by connectionId", async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand, { Key: { connectionId: "c1" } }).resolves({ Item: record });
    ddb.on(GetCommand, { Key: { connectionId: "c2" } }).resolves({});
    ddb.on(DeleteCommand).resolves({});
    const s = store();
    await s.put(record);
    expect(await s.get("c1")).toEqual(record);
    expect(await s.get("c2")).toBeUndefined();
    await s.delete("c1");
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: "conns", Item: record });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: "conns", ConsistentRead: true });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { TableName: "conns", Key: { connectionId: "c1" } });
  });
});

/** The low-level post: JSON to the named connection, "gone" on HTTP 410, other failures rethrown. */
describe("postToConnection", () => {
  const client = () => new ApiGatewayManagementApiClient({ region: "us-east-1", endpoint: "https://x.example/test" });

  beforeEach(() => api.reset());

  it("posts the event as UTF-8 JSON to the connection and reports sent", async () => {
    api.on(PostToConnectionCommand).resolves({});
    const event = status("11111111-1111-4111-8111-111111111111.q-1", "Looking up order ö…");
    expect(await postToConnection(client(), "c1", event)).toBe("sent");
    const [call] = api.commandCalls(PostToConnectionCommand);
    expect(call.args[0].input.ConnectionId).toBe("c1");
    expect(JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString("utf8"))).toEqual(event);
  });

  it("reports gone on a GoneException", async () => {
    api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: { httpStatusCode: 410 } }));
    expect(await postToConnection(client(), "c1", pong())).toBe("gone");
  });

  it("rethrows any other failure", async () => {
    api.on(PostToConnectionCommand).rejects(new Error("ECONNRESET"));
    await expect(postToConnection(client(), "c1", pong())).rejects.toThrow("ECONNRESET");
  });

  describe("isGoneException", () => {
    it("recognises the SDK's class and, from another SDK copy, the name", () => {
      expect(isGoneException(new GoneException({ message: "gone", $metadata: {} }))).toBe(true);
      expect(isGoneException(Object.assign(new Error("gone"), { name: "GoneException" }))).toBe(true);
    });

    it.each([[new Error("GoneException")], [null], [undefined], ["GoneException"]])("rejects %p", (error) => {
      expect(isGoneException(error)).toBe(false);
    });
  });
});

/**
 * Route-level replies go to the connection that sent the frame, without an owner lookup
 * (by design: see replyToSender in connections.ts); a vanished connection's record is forgotten.
 */
describe("replyToSender", () => {
  beforeEach(() => {
    ddb.reset();
    api.reset();
    ddb.on(DeleteCommand).resolves({});
    api.on(PostToConnectionCommand).resolves({});
  });

  it("posts to the sender's connection without reading its record", async () => {
    expect(await replyToSender(testDependencies(), CONNECTION_A, pong())).toBe("sent");
    expect(postedEvents(api)).toEqual([{ connectionId: CONNECTION_A, event: pong() }]);
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it("reports gone when the connection has vanished, and deletes nothing ($disconnect and the TTL do)", async () => {
    api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: { httpStatusCode: 410 } }));
    expect(await replyToSender(testDependencies(), CONNECTION_A, pong())).toBe("gone");
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it("rethrows other post failures", async () => {
    api.on(PostToConnectionCommand).rejects(new Error("InternalServerError"));
    await expect(replyToSender(testDependencies(), CONNECTION_A, pong())).rejects.toThrow("InternalServerError");
  });
});

/**
 * AnswerChannel (I6): opens only onto a connection whose stored owner is the user being
 * answered (one consistent read per answer), then posts without reading again; a vanished
 * connection (410) closes it for good.
 */
describe("AnswerChannel", () => {
  const USER_A = "11111111-1111-4111-8111-111111111111";
  const USER_B = "22222222-2222-4222-8222-222222222222";
  const ANSWER = `${USER_A}.q-1`;
  const recordOf = (userId: string, tenantId = "tenant1") =>
    connectionRecord({ connectionId: "c1", userId, tenantId, tokenExpiresAt: 1, now: new Date() });

  const deps = () => ({
    api: new ApiGatewayManagementApiClient({ region: "us-east-1", endpoint: "https://x.example/test" }),
    connections: new ConnectionStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), "conns"),
  });
  const open = async (userId = USER_A, tenantId?: string) => {
    const channel = await AnswerChannel.open(deps(), { connectionId: "c1", userId, ...(tenantId ? { tenantId } : {}) });
    if (typeof channel === "string") throw new Error(`expected a channel, got ${channel}`);
    return channel;
  };

  beforeEach(() => {
    ddb.reset();
    api.reset();
    ddb.on(GetCommand).resolves({ Item: recordOf(USER_A) });
    ddb.on(DeleteCommand).resolves({});
    api.on(PostToConnectionCommand).resolves({});
  });

  it("reads the owner once (consistent read), then posts every event of the answer without another read", async () => {
    const c = await open();
    expect(await c.send(chunk(ANSWER, "a"))).toBe("sent");
    expect(await c.send(chunk(ANSWER, "b"))).toBe("sent");
    expect(await c.send(done(ANSWER))).toBe("sent");
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { connectionId: "c1" }, ConsistentRead: true });
    const data = api.commandCalls(PostToConnectionCommand).map((call) => JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString()));
    expect(data).toEqual([chunk(ANSWER, "a"), chunk(ANSWER, "b"), done(ANSWER)]);
    expect(api).toHaveReceivedCommandWith(PostToConnectionCommand, { ConnectionId: "c1" });
  });

  it("does not open onto a connection owned by another user (or another tenant), and posts nothing", async () => {
    expect(await AnswerChannel.open(deps(), { connectionId: "c1", userId: USER_B })).toBe("not_owner");
    expect(await AnswerChannel.open(deps(), { connectionId: "c1", userId: USER_A, tenantId: "tenant2" })).toBe("not_owner");
    // The allowed path still works.
    expect(await (await open(USER_A, "tenant1")).send(done(ANSWER))).toBe("sent");
    expect(api).toHaveReceivedCommandTimes(PostToConnectionCommand, 1);
  });

  it("does not open onto a connection without a record", async () => {
    ddb.on(GetCommand).resolves({});
    expect(await AnswerChannel.open(deps(), { connectionId: "c1", userId: USER_A })).toBe("gone");
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
  });

  it("on GoneException (the connection closed mid-answer): reports gone, stops posting, deletes nothing", async () => {
    const c = await open();
    expect(await c.send(chunk(ANSWER, "a"))).toBe("sent");
    api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: {} }));
    expect(await c.send(chunk(ANSWER, "b"))).toBe("gone");
    api.on(PostToConnectionCommand).resolves({});
    expect(await c.send(chunk(ANSWER, "c"))).toBe("gone");
    expect(api).toHaveReceivedCommandTimes(PostToConnectionCommand, 2);
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
  });

  it("rethrows other post failures", async () => {
    api.on(PostToConnectionCommand).rejects(new Error("InternalServerError"));
    await expect((await open()).send(done(ANSWER))).rejects.toThrow("InternalServerError");
  });
});

describe("KnownOwners (I6: an owner read once is the owner for the connection's life)", () => {
  const record = (connectionId: string, userId = "u-1") => ({ connectionId, userId, tenantId: "tenant1" });

  it("keeps the first owner read for a connection, and forgets the oldest past its bound", () => {
    const owners = new KnownOwners(2);
    owners.remember(record("c1"));
    owners.remember(record("c1", "someone-else"));
    expect(owners.get("c1")).toEqual({ userId: "u-1", tenantId: "tenant1" });
    owners.remember(record("c2"));
    owners.remember(record("c3"));
    expect(owners.get("c1")).toBeUndefined();
    expect(owners.get("c2")).toBeDefined();
    expect(owners.get("c3")).toBeDefined();
  });
});
