/**
 * Offboarding records (I17): which tokens a record refuses, the ≤ 1 s cache that keeps a
 * check to one read, and the write that never moves a revocation back.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import {
  isRevoked,
  LATEST_REVOCATION_KEY,
  LONGEST_TOKEN_LIFE_SECONDS,
  REVOCATION_CACHE_MS,
  revocationRecord,
  RevocationStore,
  RevocationWriter,
} from "../../../../lambdas/common/revocations";

const USER = "11111111-1111-4111-8111-111111111111";
const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));

beforeEach(() => ddb.reset());

describe("isRevoked", () => {
  const record = { revokedAt: 1_900_000_000 };
  it("refuses a token issued before or in the revocation second, and one that does not say when it was issued", () => {
    expect(isRevoked(1_899_999_999, record)).toBe(true);
    expect(isRevoked(1_900_000_000, record)).toBe(true);
    expect(isRevoked(undefined, record)).toBe(true);
  });
  it("accepts a token issued after it, and every token of a user without a record", () => {
    expect(isRevoked(1_900_000_001, record)).toBe(false);
    expect(isRevoked(1, undefined)).toBe(false);
  });
  it("ignores an item without a numeric revokedAt (only the offboarding function writes the table)", () => {
    expect(isRevoked(1, { revokedAt: "soon" } as unknown as { revokedAt: number })).toBe(false);
  });
});

describe("revocationRecord", () => {
  it("lives until every token issued before it has expired", () => {
    const r = revocationRecord({ userId: USER, revokedAt: 1000, reason: "AdminDisableUser" });
    expect(r.ttl).toBeGreaterThan(1000 + LONGEST_TOKEN_LIFE_SECONDS);
  });
});

describe("RevocationStore", () => {
  const OTHER = "22222222-2222-4222-8222-222222222222";
  const latestKey = { TableName: "revocations", Key: { userId: LATEST_REVOCATION_KEY }, ConsistentRead: true };
  const userKey = (userId: string) => ({ TableName: "revocations", Key: { userId }, ConsistentRead: true });
  const latestAt = (revokedAt: number) => ({ Item: { ...revocationRecord({ userId: OTHER, revokedAt, reason: "x" }), userId: LATEST_REVOCATION_KEY } });
  const keysRead = () => ddb.commandCalls(GetCommand).map((call) => call.args[0].input.Key?.userId);

  it("reads no user's record while every revocation predates the token: one read of the latest per environment and second", async () => {
    let now = 0;
    const store = new RevocationStore(documents, "revocations", () => now);
    ddb.on(GetCommand, latestKey).resolves({});
    // Nobody offboarded yet, then somebody before the token was issued.
    expect(await store.revoked(USER, 10)).toBe(false);
    expect(await store.revoked(OTHER, 10)).toBe(false);
    now = REVOCATION_CACHE_MS;
    ddb.on(GetCommand, latestKey).resolves(latestAt(9));
    expect(await store.revoked(USER, 10)).toBe(false);
    expect(keysRead()).toEqual([LATEST_REVOCATION_KEY, LATEST_REVOCATION_KEY]);
  });

  it("reads the user's record once the latest revocation is at or after the token's issue, and refuses on it", async () => {
    const store = new RevocationStore(documents, "revocations", () => 0);
    ddb.on(GetCommand, latestKey).resolves(latestAt(20));
    ddb.on(GetCommand, userKey(USER)).resolves({ Item: revocationRecord({ userId: USER, revokedAt: 20, reason: "x" }) });
    ddb.on(GetCommand, userKey(OTHER)).resolves({});
    expect(await store.revoked(USER, 10)).toBe(true);
    // Another user's revocation refuses nobody else; a token issued after it is not even checked.
    expect(await store.revoked(OTHER, 10)).toBe(false);
    expect(await store.revoked(USER, 21)).toBe(false);
    // A token that does not say when it was issued fails closed, as before.
    expect(await store.revoked(USER, undefined)).toBe(true);
    expect(keysRead()).toEqual([LATEST_REVOCATION_KEY, USER, OTHER]);
  });

  it("reads each at most once per cache window and again after it (the 5-second bound holds)", async () => {
    let now = 0;
    const store = new RevocationStore(documents, "revocations", () => now);
    ddb.on(GetCommand, latestKey).resolves(latestAt(5));
    ddb.on(GetCommand, userKey(USER)).resolves({});
    expect(await store.revoked(USER, 5)).toBe(false);
    now = REVOCATION_CACHE_MS - 1;
    expect(await store.revoked(USER, 5)).toBe(false);
    expect(keysRead()).toEqual([LATEST_REVOCATION_KEY, USER]);
    // The user is offboarded (the record, then the latest item): seen within the window.
    ddb.on(GetCommand, userKey(USER)).resolves({ Item: revocationRecord({ userId: USER, revokedAt: 20, reason: "x" }) });
    ddb.on(GetCommand, latestKey).resolves(latestAt(20));
    now = REVOCATION_CACHE_MS;
    expect(await store.revoked(USER, 10)).toBe(true);
    expect(keysRead()).toEqual([LATEST_REVOCATION_KEY, USER, LATEST_REVOCATION_KEY, USER]);
  });

  it("does not remember a failed read: the check fails, the next one reads again", async () => {
    const store = new RevocationStore(documents, "revocations", () => 0);
    ddb.on(GetCommand, latestKey).rejectsOnce(new Error("down")).resolves({});
    await expect(store.revoked(USER, 10)).rejects.toThrow("down");
    expect(await store.revoked(USER, 10)).toBe(false);
    ddb.on(GetCommand, latestKey).resolves(latestAt(20));
    const fresh = new RevocationStore(documents, "revocations", () => 0);
    ddb.on(GetCommand, userKey(USER)).rejectsOnce(new Error("down")).resolves({});
    await expect(fresh.revoked(USER, 10)).rejects.toThrow("down");
    expect(await fresh.revoked(USER, 10)).toBe(false);
  });

  it("is never cached longer than a second, so the bound in I17 holds", () => {
    expect(REVOCATION_CACHE_MS).toBeLessThanOrEqual(1000);
  });

});

describe("RevocationWriter", () => {
  it("writes the user's record, then the latest revocation of anyone, each never moved back", async () => {
    const store = new RevocationWriter(documents, "revocations");
    ddb.on(PutCommand).resolves({});
    await store.put(revocationRecord({ userId: USER, revokedAt: 5, reason: "AdminDisableUser" }));
    const items = ddb.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(items.map((input) => input.Item?.userId)).toEqual([USER, LATEST_REVOCATION_KEY]);
    for (const input of items) {
      expect(input).toMatchObject({ TableName: "revocations", ConditionExpression: "attribute_not_exists(userId) OR revokedAt <= :at", ExpressionAttributeValues: { ":at": 5 } });
    }
    expect(items[1].Item).toEqual({ userId: LATEST_REVOCATION_KEY, revokedAt: 5, reason: "AdminDisableUser", ttl: items[0].Item?.ttl });
  });

  it("writes with a condition that never moves revokedAt back, and treats a later record as done", async () => {
    const store = new RevocationWriter(documents, "revocations");
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: "later", $metadata: {} }));
    await expect(store.put(revocationRecord({ userId: USER, revokedAt: 5, reason: "x" }))).resolves.toBeUndefined();
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: "attribute_not_exists(userId) OR revokedAt <= :at" });
  });

  it("passes any other write failure on", async () => {
    const store = new RevocationWriter(documents, "revocations");
    ddb.on(PutCommand).rejects(Object.assign(new Error("down"), { name: "InternalServerError" }));
    await expect(store.put(revocationRecord({ userId: USER, revokedAt: 5, reason: "x" }))).rejects.toThrow("down");
  });
});
