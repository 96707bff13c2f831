/**
 * Route-level replies go to the connection that sent the frame, without an owner lookup
 * (by design: see reply.ts); a vanished connection's record is forgotten.
 */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { replyToSender } from "../../../../lambdas/chat/reply";
import { pong } from "../../../../lambdas/shared/protocol";
import { CONNECTION_A, postedEvents, testDependencies } from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);

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

it("reports gone and deletes the record when the connection has vanished", async () => {
  api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: { httpStatusCode: 410 } }));
  expect(await replyToSender(testDependencies(), CONNECTION_A, pong())).toBe("gone");
  expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { connectionId: CONNECTION_A } });
});

it("still reports gone when deleting the record fails (its TTL removes it)", async () => {
  api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: { httpStatusCode: 410 } }));
  ddb.on(DeleteCommand).rejects(new Error("ProvisionedThroughputExceededException"));
  expect(await replyToSender(testDependencies(), CONNECTION_A, pong())).toBe("gone");
});

it("rethrows other post failures", async () => {
  api.on(PostToConnectionCommand).rejects(new Error("InternalServerError"));
  await expect(replyToSender(testDependencies(), CONNECTION_A, pong())).rejects.toThrow("InternalServerError");
});
