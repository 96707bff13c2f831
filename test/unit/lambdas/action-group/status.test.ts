/**
 * Tool progress (invariant 6): a status event reaches the session's connection only when
 * its stored owner is the verified user; every failure is logged, never thrown.
 */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import type { SessionIdentity } from "../../../../lambdas/action-group/identity";
import { createStatusPoster } from "../../../../lambdas/action-group/status";
import { ConnectionStore, connectionRecord } from "../../../../lambdas/shared/connections";
import { status } from "../../../../lambdas/shared/protocol";
import { ANSWER_ID, CONNECTION_ID, ENV, OTHER_USER, SCOPED_KEY, TENANT, USER } from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);

const IDENTITY: SessionIdentity = {
  tenantId: TENANT,
  userId: USER,
  answerId: ANSWER_ID,
  connectionId: CONNECTION_ID,
  credentials: { accessKeyId: SCOPED_KEY, secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 600_000) },
};

const recordOf = (userId: string) =>
  connectionRecord({ connectionId: CONNECTION_ID, userId, tenantId: TENANT, tokenExpiresAt: 1, now: new Date() });

function poster() {
  const logger = { warn: jest.fn(), debug: jest.fn() };
  const post = createStatusPoster(
    new ApiGatewayManagementApiClient({ region: "eu-west-1", endpoint: ENV.WEBSOCKET_MANAGEMENT_ENDPOINT }),
    new ConnectionStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" })), ENV.CONNECTIONS_TABLE_NAME),
    logger,
  );
  return { post, logger };
}

function posted(): Array<{ connectionId: unknown; event: unknown }> {
  return api.commandCalls(PostToConnectionCommand).map((c) => ({
    connectionId: c.args[0].input.ConnectionId,
    event: JSON.parse(Buffer.from(c.args[0].input.Data as Uint8Array).toString("utf8")),
  }));
}

beforeEach(() => {
  ddb.reset();
  api.reset();
  ddb.on(GetCommand).resolves({ Item: recordOf(USER) });
  ddb.on(DeleteCommand).resolves({});
  api.on(PostToConnectionCommand).resolves({});
});

it("checks the owner of the session's connection (consistent read), then posts the status event", async () => {
  const { post } = poster();
  expect(await post(IDENTITY, "Looking up your orders…")).toBe("sent");
  expect(ddb).toHaveReceivedCommandWith(GetCommand, {
    TableName: ENV.CONNECTIONS_TABLE_NAME,
    Key: { connectionId: CONNECTION_ID },
    ConsistentRead: true,
  });
  expect(posted()).toEqual([{ connectionId: CONNECTION_ID, event: status(ANSWER_ID, "Looking up your orders…") }]);
});

it("posts nothing to a connection owned by another user, and warns", async () => {
  ddb.on(GetCommand).resolves({ Item: recordOf(OTHER_USER) });
  const { post, logger } = poster();
  expect(await post(IDENTITY, "x")).toBe("not_owner");
  expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
  expect(logger.warn).toHaveBeenCalledWith("status not posted: connection belongs to another user");
});

it("posts nothing to a connection without a record", async () => {
  ddb.on(GetCommand).resolves({});
  const { post, logger } = poster();
  expect(await post(IDENTITY, "x")).toBe("gone");
  expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
  expect(logger.debug).toHaveBeenCalled();
});

it("reports gone on a GoneException and forgets the connection", async () => {
  api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: { httpStatusCode: 410 } }));
  const { post } = poster();
  expect(await post(IDENTITY, "x")).toBe("gone");
  expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { connectionId: CONNECTION_ID } });
});

it.each([
  ["the owner check fails", () => ddb.on(GetCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }))],
  ["the post fails", () => api.on(PostToConnectionCommand).rejects(new Error("ECONNRESET"))],
])("never rejects when %s: reports failed and logs the error's name only", async (_label, breakIt) => {
  breakIt();
  const { post, logger } = poster();
  expect(await post(IDENTITY, "x")).toBe("failed");
  expect(logger.warn).toHaveBeenCalledWith("status not posted", expect.objectContaining({ errorName: expect.any(String) }));
  expect(JSON.stringify(logger.warn.mock.calls)).not.toMatch(/denied|ECONNRESET/);
});
