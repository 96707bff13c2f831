/** The connections table record and store. */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { ConnectionStore, MAX_CONNECTION_SECONDS, connectionRecord } from "../../../../lambdas/shared/connections";

const ddb = mockClient(DynamoDBDocumentClient);
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
  expect(record.ttl).toBeGreaterThan(NOW.getTime() / 1000 + MAX_CONNECTION_SECONDS);
  expect(record.ttl).toBeLessThan(NOW.getTime() / 1000 + MAX_CONNECTION_SECONDS + 3600);
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
