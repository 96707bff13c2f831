/**
 * Offboarding a user (I17): the record first, then every connection of theirs closed and
 * forgotten; a username resolved through the pool; the reconcile pass when the event
 * cannot name the user; failures rethrown so Lambda retries.
 */
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GoneException } from "@aws-sdk/client-apigatewaymanagementapi";
import { AdminGetUserCommand, CognitoIdentityProviderClient, ListUsersCommand, UserNotFoundException } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import type { OffboardingConfig } from "../../../../lambdas/offboarding/config";
import { offboard, type OffboardingDependencies } from "../../../../lambdas/offboarding/offboard";
import { createLogger } from "../../../../lambdas/common/logger";
import { RevocationWriter } from "../../../../lambdas/common/revocations";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);
const cognito = mockClient(CognitoIdentityProviderClient);

const config: OffboardingConfig = {
  region: "us-east-1",
  userPoolId: "us-east-1_Abc123",
  connectionsTableName: "connections",
  connectionsUserIndex: "byUserId",
  revocationsTableName: "revocations",
  managementEndpoint: "https://x.execute-api.us-east-1.amazonaws.com/dev",
};

function deps(): OffboardingDependencies {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
  const logger = createLogger("offboarding-test");
  logger.setLogLevel("SILENT");
  return {
    config,
    documents,
    revocations: new RevocationWriter(documents, config.revocationsTableName),
    api: new ApiGatewayManagementApiClient({ region: "us-east-1", endpoint: config.managementEndpoint }),
    cognito: new CognitoIdentityProviderClient({ region: "us-east-1" }),
    logger,
  };
}

beforeEach(() => {
  ddb.reset();
  api.reset();
  cognito.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  api.on(DeleteConnectionCommand).resolves({});
});

it("writes the record, then closes and forgets every connection of the user (found by the byUserId index)", async () => {
  ddb.on(QueryCommand).resolvesOnce({ Items: [{ connectionId: "c1" }], LastEvaluatedKey: { connectionId: "c1" } }).resolvesOnce({ Items: [{ connectionId: "c2" }] });
  api.on(DeleteConnectionCommand, { ConnectionId: "c2" }).rejects(new GoneException({ message: "gone", $metadata: {} }));
  const result = await offboard(deps(), { userId: A }, 1_900_000_000, "AdminDisableUser");
  expect(result).toEqual({ userIds: [A], closed: 2 });
  expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: "revocations", Item: expect.objectContaining({ userId: A, revokedAt: 1_900_000_000 }) });
  expect(ddb).toHaveReceivedCommandWith(QueryCommand, { IndexName: "byUserId", ExpressionAttributeValues: { ":u": A } });
  expect(api).toHaveReceivedCommandTimes(DeleteConnectionCommand, 2);
  expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 2);
  // The record is written before any connection is looked up.
  const order = ddb.calls().map((c) => c.args[0].constructor.name);
  expect(order.indexOf("PutCommand")).toBeLessThan(order.indexOf("QueryCommand"));
});

it("rethrows when a connection could not be closed (Lambda retries; the record already refuses old tokens)", async () => {
  ddb.on(QueryCommand).resolves({ Items: [{ connectionId: "c1" }] });
  api.on(DeleteConnectionCommand).rejects(Object.assign(new Error("throttled"), { name: "TooManyRequestsException" }));
  await expect(offboard(deps(), { userId: A }, 1, "x")).rejects.toThrow("1 connection(s) could not be closed");
  expect(ddb).toHaveReceivedCommand(PutCommand);
});

it("resolves a username to its sub through the pool", async () => {
  cognito.on(AdminGetUserCommand).resolves({ Username: "alice", UserAttributes: [{ Name: "sub", Value: A }] });
  ddb.on(QueryCommand).resolves({ Items: [] });
  expect(await offboard(deps(), { username: "alice" }, 1, "AdminDisableUser")).toEqual({ userIds: [A], closed: 0 });
});

it("reconciles when the user cannot be named: offboards owners the pool no longer has or has disabled, nobody else", async () => {
  cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: "gone", $metadata: {} }));
  ddb.on(ScanCommand).resolves({ Items: [{ userId: A }, { userId: B }, { userId: A }] });
  cognito.on(ListUsersCommand, { Filter: `sub = "${A}"` }).resolves({ Users: [] });
  cognito.on(ListUsersCommand, { Filter: `sub = "${B}"` }).resolves({ Users: [{ Username: "bob", Enabled: true }] });
  ddb.on(QueryCommand).resolves({ Items: [{ connectionId: "c1" }] });
  const result = await offboard(deps(), { username: "deleted-user" }, 1, "AdminDeleteUser");
  expect(result).toEqual({ userIds: [A], closed: 1 });
  expect(cognito).toHaveReceivedCommandTimes(ListUsersCommand, 2);
});
