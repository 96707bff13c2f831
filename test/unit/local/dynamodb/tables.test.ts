/**
 * The local tables, and the ask counter on them end to end: the chat function's real
 * limiter, with the chat role's credentials, through the SigV4 + IAM gate into dynalite.
 * Proves the update expression works on the local store, that the condition really caps
 * the window, and that only the chat role may write counters.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { AskRateLimiter } from "../../../../lambdas/chat/ask-rate-limit";
import { parseStackConfig } from "../../../../infra/config";
import { stackNames } from "../../../../infra/naming";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { startDynamoDbGate, type DynamoDbGate } from "../../../../local/dynamodb/gate";
import { createLocalIdentities } from "../../../../local/iam/roles";
import { createTablesAndSeed, tableDefinitions } from "../../../../local/dynamodb/tables";

const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
const names = stackNames("multi-tenant-assistant", "dev", "us-east-1");
const config = parseStackConfig({ tenants: [{ id: "tenant1", displayName: "One", returnPolicyDays: 10, users: ["u1"] }] });
const USER_A = "0f0e0d0c-1111-2222-3333-444455556666";
const USER_B = "0f0e0d0c-1111-2222-3333-777788889999";

describe("tableDefinitions", () => {
  it("declares the limits table keyed by limitKey, on demand, with no index", () => {
    const limits = tableDefinitions(names, config).find((t) => t.TableName === names.limitsTable);
    expect(limits).toEqual({
      TableName: names.limitsTable,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "limitKey", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "limitKey", KeyType: "HASH" }],
    });
  });
});

describe("the ask counter on the local store", () => {
  const registry = new CredentialRegistry();
  const ids = createLocalIdentities(registry, {
    ctx,
    names,
    apiId: "local",
    stage: "dev",
    agentId: "LOCALAGENT",
    agentAliasId: "LOCALALIAS",
    tenantIds: config.tenants.map((t) => t.id),
  });
  let gate: DynamoDbGate;
  const clients: DynamoDBClient[] = [];
  const documentsAs = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const client = new DynamoDBClient({ region: "us-east-1", endpoint: gate.url, credentials: c, maxAttempts: 1 });
    clients.push(client);
    return DynamoDBDocumentClient.from(client);
  };

  beforeAll(async () => {
    gate = await startDynamoDbGate({ port: 0, ctx, registry });
    const admin = new DynamoDBClient({ region: "us-east-1", endpoint: gate.url, credentials: ids.admin });
    clients.push(admin);
    await createTablesAndSeed(admin, names, config);
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await gate.close();
  });

  it("admits exactly the limit in one window, then refuses; the next window and other users start fresh", async () => {
    const limiter = new AskRateLimiter(documentsAs(ids.functionCredentials.chat), names.limitsTable, 3);
    const now = new Date("2026-11-02T10:00:10.000Z");
    const results = await Promise.all(Array.from({ length: 5 }, () => limiter.tryConsume(USER_A, now)));
    expect(results.filter(Boolean)).toHaveLength(3);
    await expect(limiter.tryConsume(USER_A, new Date("2026-11-02T10:00:59.999Z"))).resolves.toBe(false);
    await expect(limiter.tryConsume(USER_B, now)).resolves.toBe(true);
    await expect(limiter.tryConsume(USER_A, new Date("2026-11-02T10:01:00.000Z"))).resolves.toBe(true);
  });

  it("refuses the action-group role at the IAM gate (an error, not a 'window full')", async () => {
    const limiter = new AskRateLimiter(documentsAs(ids.functionCredentials["action-group"]), names.limitsTable, 3);
    await expect(limiter.tryConsume(USER_A, new Date("2026-11-02T11:00:00.000Z"))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });
});
