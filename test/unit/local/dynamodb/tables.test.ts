/**
 * The local tables, and the ask counter on them end to end: the chat function's real
 * limiter, with the chat role's credentials, through the SigV4 + IAM gate into dynalite.
 * Proves the update expression works on the local store, that the condition really caps
 * the window, and that only the chat role may write counters. Likewise the budgets: the
 * chat function's usage meter reserving and settling on the usage table.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { AskRateLimiter } from "../../../../lambdas/chat/ask-rate-limit";
import { UsageMeter } from "../../../../lambdas/chat/usage-meter";
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

describe("budgets on the local store (I21)", () => {
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
  const meterAs = (c: { accessKeyId: string; secretAccessKey: string }, budgets = { tenant1: { dailyTokens: 10_000 } }) =>
    new UsageMeter(documentsAs(c), { tableName: names.usageTable, retentionDays: 90, reserveTokensPerAnswer: 2000, budgets });

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

  it("admits exactly what fits among concurrent asks, then settles each to its real usage", async () => {
    const meter = meterAs(ids.functionCredentials.chat);
    const at = new Date("2026-12-02T10:00:00.000Z");
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => meter.reserve("tenant1", i % 2 ? USER_A : USER_B, at)));
    const admitted = outcomes.filter((o) => o.ok);
    expect(admitted).toHaveLength(5); // 5 × 2000 = the 10,000-token daily budget
    expect(outcomes.find((o) => !o.ok)).toEqual({ ok: false, exhausted: { counter: "tenantDay", limit: 10_000 } });

    // Each admitted answer used 100 tokens: settling frees the rest of its reservation.
    await Promise.all(
      outcomes.map((o, i) =>
        o.ok
          ? meter.settle(
              {
                tenantId: "tenant1",
                userId: i % 2 ? USER_A : USER_B,
                answerId: `${i % 2 ? USER_A : USER_B}.a${i}`,
                startedAt: at,
                endedAt: at,
                outcome: "done",
                inputTokens: 80,
                outputTokens: 20,
                toolCalls: 0,
                chunks: 1,
                bytes: 10,
              },
              o.reservation,
            )
          : undefined,
      ),
    );
    const admin = DynamoDBDocumentClient.from(clients[0]);
    const { Item } = await admin.send(new GetCommand({ TableName: names.usageTable, Key: { pk: "tenant1", sk: "day#2026-12-02" } }));
    expect(Item).toMatchObject({ asks: 5, inputTokens: 400, outputTokens: 100, reservedTokens: 0, committedTokens: 500 });
    // Room again: 9,500 tokens left, so four more reservations of 2,000 fit.
    const again = await Promise.all(Array.from({ length: 6 }, () => meter.reserve("tenant1", USER_A, at)));
    expect(again.filter((o) => o.ok)).toHaveLength(4);
  });

  it("refuses the action-group role at the IAM gate (an error, not a refusal)", async () => {
    await expect(meterAs(ids.functionCredentials["action-group"]).reserve("tenant1", USER_A, new Date())).rejects.toMatchObject({
      name: "AccessDeniedException",
    });
  });
});
