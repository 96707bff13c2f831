/**
 * AnswerChannel (invariant 6): posts only to a connection whose stored owner is the user
 * being answered; a vanished connection is forgotten; ownership is read before every event.
 */
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { AnswerChannel } from "../../../../lambdas/shared/connection-messenger";
import { ConnectionStore, connectionRecord } from "../../../../lambdas/shared/connections";
import { chunk, done } from "../../../../lambdas/shared/protocol";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);
const USER_A = "11111111-1111-4111-8111-111111111111";
const USER_B = "22222222-2222-4222-8222-222222222222";
const ANSWER = `${USER_A}.q-1`;
const recordOf = (userId: string) =>
  connectionRecord({ connectionId: "c1", userId, tenantId: "tenant1", tokenExpiresAt: 1, now: new Date() });

const channel = (userId = USER_A) =>
  new AnswerChannel(
    new ApiGatewayManagementApiClient({ region: "us-east-1", endpoint: "https://x.example/test" }),
    new ConnectionStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), "conns"),
    "c1",
    userId,
  );

beforeEach(() => {
  ddb.reset();
  api.reset();
  ddb.on(GetCommand).resolves({ Item: recordOf(USER_A) });
  ddb.on(DeleteCommand).resolves({});
  api.on(PostToConnectionCommand).resolves({});
});

it("posts JSON events to the owner's connection, checking ownership (consistent read) before each one", async () => {
  const c = channel();
  expect(await c.send(chunk(ANSWER, "a"))).toBe("sent");
  expect(await c.send(done(ANSWER))).toBe("sent");
  expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
  expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { connectionId: "c1" }, ConsistentRead: true });
  const data = api.commandCalls(PostToConnectionCommand).map((call) => JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString()));
  expect(data).toEqual([chunk(ANSWER, "a"), done(ANSWER)]);
  expect(api).toHaveReceivedCommandWith(PostToConnectionCommand, { ConnectionId: "c1" });
});

it("posts nothing to a connection owned by another user", async () => {
  const c = channel(USER_B);
  expect(await c.send(chunk(ANSWER, "secret"))).toBe("not_owner");
  expect(await c.send(done(ANSWER))).toBe("not_owner");
  expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
});

it("stops at the first event after the record changes owner mid-answer, and stays stopped", async () => {
  ddb
    .on(GetCommand)
    .resolvesOnce({ Item: recordOf(USER_A) })
    .resolvesOnce({ Item: recordOf(USER_A) })
    .resolves({ Item: recordOf(USER_B) });
  const c = channel();
  expect(await c.send(chunk(ANSWER, "one"))).toBe("sent");
  expect(await c.send(chunk(ANSWER, "two"))).toBe("sent");
  expect(await c.send(chunk(ANSWER, "three"))).toBe("not_owner");
  // Sticky: even if the record flips back, nothing more goes out on this channel.
  ddb.on(GetCommand).resolves({ Item: recordOf(USER_A) });
  expect(await c.send(done(ANSWER))).toBe("not_owner");
  const texts = api.commandCalls(PostToConnectionCommand).map((call) => JSON.parse(Buffer.from(call.args[0].input.Data as Uint8Array).toString()).text);
  expect(texts).toEqual(["one", "two"]);
  expect(ddb).toHaveReceivedCommandTimes(GetCommand, 3);
});

it("stops when the record disappears mid-answer (gone), and stays stopped", async () => {
  ddb.on(GetCommand).resolvesOnce({ Item: recordOf(USER_A) }).resolves({});
  const c = channel();
  expect(await c.send(chunk(ANSWER, "one"))).toBe("sent");
  expect(await c.send(chunk(ANSWER, "two"))).toBe("gone");
  ddb.on(GetCommand).resolves({ Item: recordOf(USER_A) });
  expect(await c.send(done(ANSWER))).toBe("gone");
  expect(api).toHaveReceivedCommandTimes(PostToConnectionCommand, 1);
});

it("posts nothing to a connection without a record", async () => {
  ddb.on(GetCommand).resolves({});
  expect(await channel().send(done(ANSWER))).toBe("gone");
  expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
});

it("on GoneException: reports gone, deletes the record, stops posting", async () => {
  api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: {} }));
  const c = channel();
  expect(await c.send(chunk(ANSWER, "a"))).toBe("gone");
  expect(await c.send(chunk(ANSWER, "b"))).toBe("gone");
  expect(api).toHaveReceivedCommandTimes(PostToConnectionCommand, 1);
  expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { connectionId: "c1" } });
});

it("rethrows other post failures", async () => {
  api.on(PostToConnectionCommand).rejects(new Error("InternalServerError"));
  await expect(channel().send(done(ANSWER))).rejects.toThrow("InternalServerError");
});
