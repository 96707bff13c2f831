/**
 * lambdas/chat/usage-meter.ts with a mocked DynamoDB: which counters are reserved, what a
 * refusal gives back, what fails closed, and what settling writes. The same meter against the
 * local store (real conditions, concurrency): test/unit/local/dynamodb/tables.test.ts.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { UsageMeter } from "../../../../lambdas/chat/usage-meter";
import type { AnswerUsage } from "../../../../lambdas/common/usage-records";

const ddb = mockClient(DynamoDBDocumentClient);
const SUB = "11111111-1111-4111-8111-111111111111";
const AT = new Date("2026-12-02T10:00:00.000Z");
const refused = () => new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });

const meter = (budgets = {}) =>
  new UsageMeter(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), {
    tableName: "usage",
    retentionDays: 90,
    reserveTokensPerAnswer: 2000,
    budgets,
  });
const updates = () => ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);

beforeEach(() => ddb.reset());

describe("reserve", () => {
  it("costs no call for a tenant without a budget", async () => {
    await expect(meter({ other: { dailyTokens: 5 } }).reserve("tenant1", SUB, AT)).resolves.toEqual({ ok: true, reservation: {} });
    expect(ddb.calls()).toHaveLength(0);
  });

  it("reserves the estimate on each budgeted counter, once each", async () => {
    ddb.on(UpdateCommand).resolves({});
    const outcome = await meter({ tenant1: { monthlyTokens: 1_000_000, userDailyTokens: 500 } }).reserve("tenant1", SUB, AT);
    expect(outcome).toEqual({ ok: true, reservation: { tenantMonth: 2000, userDay: 500 } });
    expect(updates().map((u) => [u.Key, u.ConditionExpression !== undefined])).toEqual([
      [{ pk: "tenant1", sk: "month#2026-12" }, true],
      [{ pk: `tenant1#${SUB}`, sk: "day#2026-12-02" }, true],
    ]);
  });

  it("on a refusal gives back the reservations it made and names the refusing limit", async () => {
    ddb.on(UpdateCommand).callsFake(async (input: { Key: { sk: string }; ConditionExpression?: string }) => {
      if (input.Key.sk === "day#2026-12-02" && input.ConditionExpression) throw refused();
      return {};
    });
    const outcome = await meter({ tenant1: { monthlyTokens: 1_000_000, dailyTokens: 100 } }).reserve("tenant1", SUB, AT);
    expect(outcome).toEqual({ ok: false, exhausted: { counter: "tenantDay", limit: 100 } });
    const release = updates().find((u) => u.ConditionExpression === undefined);
    expect(release).toMatchObject({ Key: { pk: "tenant1", sk: "month#2026-12" }, ExpressionAttributeValues: { ":release": -2000 } });
    expect(updates()).toHaveLength(3);
  });

  it("fails closed: another error is thrown, after giving back what was reserved", async () => {
    ddb.on(UpdateCommand).resolves({});
    ddb
      .on(UpdateCommand, { Key: { pk: "tenant1", sk: "day#2026-12-02" } })
      .rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    await expect(meter({ tenant1: { monthlyTokens: 10_000, dailyTokens: 10_000 } }).reserve("tenant1", SUB, AT)).rejects.toMatchObject({
      name: "AccessDeniedException",
    });
    expect(updates().filter((u) => u.ConditionExpression === undefined)).toHaveLength(1);
  });
});

describe("settle", () => {
  const usage: AnswerUsage = {
    tenantId: "tenant1",
    userId: SUB,
    answerId: `${SUB}.a1`,
    startedAt: AT,
    endedAt: new Date(AT.getTime() + 1500),
    outcome: "done",
    inputTokens: 300,
    outputTokens: 40,
    toolCalls: 1,
    chunks: 3,
    bytes: 400,
  };

  it("adds the usage to the three counters, releases only what each reserved, and writes the record", async () => {
    ddb.on(UpdateCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    await meter().settle(usage, { tenantDay: 2000 });
    const byKey = Object.fromEntries(updates().map((u) => [`${u.Key!.pk}|${u.Key!.sk}`, u.ExpressionAttributeValues]));
    expect(Object.keys(byKey).sort()).toEqual([`tenant1#${SUB}|day#2026-12-02`, "tenant1|day#2026-12-02", "tenant1|month#2026-12"].sort());
    expect(byKey["tenant1|day#2026-12-02"]).toMatchObject({ ":asks": 1, ":inputTokens": 300, ":release": -2000, ":committed": 340 - 2000 });
    expect(byKey["tenant1|month#2026-12"]).toMatchObject({ ":asks": 1, ":committed": 340 });
    expect(byKey["tenant1|month#2026-12"]?.[":release"]).toBeUndefined();
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: "usage",
      Item: expect.objectContaining({ pk: `tenant1#${SUB}`, sk: `answer#2026-12-02T10:00:00.000Z#${SUB}.a1`, outcome: "done", inputTokens: 300 }),
    });
  });
});
