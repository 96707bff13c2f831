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
  it("reads once per user within the cache window and again after it (the 5-second bound holds)", async () => {
    let now = 0;
    const store = new RevocationStore(documents, "revocations", () => now);
    ddb.on(GetCommand).resolves({});
    expect(await store.revoked(USER, 10)).toBe(false);
    now = REVOCATION_CACHE_MS - 1;
    expect(await store.revoked(USER, 10)).toBe(false);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    ddb.on(GetCommand).resolves({ Item: revocationRecord({ userId: USER, revokedAt: 20, reason: "x" }) });
    now = REVOCATION_CACHE_MS;
    expect(await store.revoked(USER, 10)).toBe(true);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: "revocations", Key: { userId: USER }, ConsistentRead: true });
  });

  it("is never cached longer than a second, so the bound in I17 holds", () => {
    expect(REVOCATION_CACHE_MS).toBeLessThanOrEqual(1000);
  });

});

describe("RevocationWriter", () => {
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
