/**
 * Usage and budgets on a real stack (I21, I22, T36, T37, T38).
 *
 * - Every answer is metered by the chat function: its record holds the tokens the agent's
 *   trace reported, the tool calls, and exactly the chunk events and bytes the client got;
 *   the counters moved with it.
 * - No text of the agent's trace reaches a frame, a usage item or (local stack) a log line:
 *   the local agent puts LOCAL_TRACE_CANARY in every trace.
 * - A used-up budget refuses before the model is called, naming the limit and its reset: a
 *   user's daily limit refuses that user only; the tenant's daily budget refuses all its
 *   users; another tenant is served.
 * - The tenant's monthly budget refuses with its own message and reset (the first of next month).
 * - Noisy neighbours: tenant A floods with 10× the asks its budget admits while tenant B's
 *   asks run at the same time; every one of B's is served, and A cannot overspend: once
 *   every answer has settled, A's counter holds exactly the real usage of the answers it
 *   admitted, within the limit, with nothing left reserved.
 * - Locally, the refusals and the tokens are counted in the tenant's metrics (EMF lines).
 *
 * Budgets are the stack's own (the suite's stack config gives one tenant a budget: see
 * test/integration/global-setup.ts); the test fills that tenant's counters close to their
 * limits with the operator's credentials, then gives the tokens back.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { tenantDayKey, tenantMonthKey, userDayKey, type UsageKey } from "../../../lambdas/common/usage-keys";
import { METRIC_NAMES, TENANT_DIMENSION } from "../../../lambdas/chat/answer-metrics";
import { PROJECT } from "../../../infra/config";
import { readStackConfigFile } from "../../../infra/config-file";
import { stackNames } from "../../../infra/naming";
import { LOCAL_STAGE } from "../../../local/stack";
import { LOCAL_TRACE_CANARY } from "../../../local/bedrock/agent-trace";
import { openedConnections, type Answer } from "../../../scripts/stack-client/ws-client";
import type { TenantConfig } from "../../../infra/config";
import { stackConfigFile } from "../../support/stack/outputs";
import type { TestUser } from "../../support/stack/test-users";
import { useHarness } from "../redteam/support/harness";

jest.setTimeout(180_000);

let metered: TestUser;
let budgeted: TenantConfig | undefined;
let budgetUsers: TestUser[] = [];
let otherTenantUsers: TestUser[] = [];
/** This file's start: the metrics check reads only the EMF lines written since. */
const startedAt = Date.now();
/** The budget_exhausted refusals the tests saw (the metrics must count at least these). */
let refusalsSeen = 0;
/** What the test added to counters, given back in afterAll. */
const filled: Array<{ key: UsageKey; tokens: number }> = [];

const harness = useHarness("usage", async (h) => {
  const [first, second] = h.stack.tenants;
  metered = await h.users.create(first.id, "usage-metered", 3);
  budgeted = h.stack.tenants.find((t) => t.budget?.userDailyTokens !== undefined && t.budget.dailyTokens !== undefined);
  if (budgeted) {
    budgetUsers = [];
    for (const label of ["usage-a1", "usage-a2", "usage-a3", "usage-a4"]) budgetUsers.push(await h.users.create(budgeted.id, label, 0));
    const other = budgeted.id === first.id ? second : first;
    otherTenantUsers = [await h.users.create(other.id, "usage-b1", 1), await h.users.create(other.id, "usage-b2", 1)];
  }
});

const usageTable = () => harness().stack.outputs.usageTableName;

async function committed(key: UsageKey): Promise<number> {
  const { Item } = await harness().stack.dynamo.send(new GetCommand({ TableName: usageTable(), Key: key, ConsistentRead: true }));
  return Number(Item?.committedTokens ?? 0);
}

/** Adds used tokens to a counter as if answers had used them (kept consistent: input and committed). */
async function fill(key: UsageKey, tokens: number): Promise<void> {
  await harness().stack.dynamo.send(
    new UpdateCommand({
      TableName: usageTable(),
      Key: key,
      UpdateExpression: "ADD inputTokens :t, committedTokens :t",
      ExpressionAttributeValues: { ":t": tokens },
    }),
  );
  filled.push({ key, tokens });
}

/** Fills a counter so that exactly `room` tokens are left under `limit`. */
async function leaveRoom(key: UsageKey, limit: number, room: number): Promise<void> {
  await fill(key, limit - room - (await committed(key)));
}

afterAll(async () => {
  for (const { key, tokens } of filled.splice(0)) await fill(key, -tokens).catch(() => undefined);
  filled.length = 0;
});

/** What the answer step posted (the ask route's `accepted` and the action group's statuses are not the answer's). */
const frameBytes = (answer: Answer) =>
  answer.events.filter((e) => e.type !== "status" && e.type !== "accepted").reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e), "utf8"), 0);

/** The usage records of these answers (polled: each is written as its answer step ends, just after `done`). */
async function answerRecords(users: TestUser[], answerIds: string[]): Promise<Record<string, unknown>[]> {
  const wanted = new Set(answerIds);
  let records: Record<string, unknown>[] = [];
  for (let i = 0; i < 50; i++) {
    records = [];
    for (const user of users) {
      const result = await harness().stack.dynamo.send(
        new QueryCommand({
          TableName: usageTable(),
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :answer)",
          ExpressionAttributeValues: { ":pk": userDayKey(user.tenantId, user.sub, new Date()).pk, ":answer": "answer#" },
          ConsistentRead: true,
        }),
      );
      records.push(...(result.Items ?? []).filter((r) => wanted.has(String(r.answerId))));
    }
    if (records.length === wanted.size) return records;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${wanted.size - records.length} of ${wanted.size} answers have no usage record`);
}

describe("metering (I22)", () => {
  it("records each answer's tokens, tool calls, text events and bytes, and adds them to the counters", async () => {
    const h = harness();
    const day = userDayKey(metered.tenantId, metered.sub, new Date());
    const connection = await h.connect(metered);
    const answer = await connection.ask("List my orders");
    expect(answer.outcome).toBe("done");
    h.tally.honest();
    await connection.close();

    const records = await answerRecords([metered], [answer.answerId]);
    expect(records).toHaveLength(1);
    const record = records[0];
    expect(record).toMatchObject({
      tenantId: metered.tenantId,
      userId: metered.sub,
      answerId: answer.answerId,
      outcome: "done",
      // Events that carried its text: the chunks, and `done` when it brought the last text.
      chunks: answer.events.filter((e) => e.type === "chunk" || (e.type === "done" && e.text !== undefined)).length,
      bytes: frameBytes(answer),
    });
    expect(record.inputTokens).toEqual(expect.any(Number));
    expect(Number(record.inputTokens)).toBeGreaterThan(0);
    expect(Number(record.outputTokens)).toBeGreaterThan(0);
    expect(Number(record.toolCalls)).toBeGreaterThanOrEqual(1);
    expect(Date.parse(String(record.endedAt))).toBeGreaterThanOrEqual(Date.parse(String(record.startedAt)));
    // Kept for the stack's retention setting (usage.retentionDays) after the answer ended; the table's TTL attribute.
    const { retentionDays } = readStackConfigFile(stackConfigFile()).config.usage;
    expect(Number(record.expiresAt)).toBe(Math.floor(Date.parse(String(record.endedAt)) / 1000) + retentionDays * 24 * 3600);

    const { Item: counter } = await h.stack.dynamo.send(new GetCommand({ TableName: usageTable(), Key: day, ConsistentRead: true }));
    expect(counter).toMatchObject({ asks: 1, inputTokens: record.inputTokens, outputTokens: record.outputTokens });
    // Nothing left reserved (a tenant without a budget reserves nothing at all).
    expect(Number(counter?.reservedTokens ?? 0)).toBe(0);
    const { Item: tenantDay } = await h.stack.dynamo.send(
      new GetCommand({ TableName: usageTable(), Key: tenantDayKey(metered.tenantId, new Date()), ConsistentRead: true }),
    );
    expect(Number(tenantDay?.asks)).toBeGreaterThanOrEqual(1);
  });
});

describe("budgets (I21) and noisy neighbours", () => {
  const budgetIt = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      if (!budgeted) {
        process.stdout.write(`usage: SKIPPED "${name}": no tenant of this stack has dailyTokens and userDailyTokens\n`);
        return;
      }
      await fn();
    });

  budgetIt("a user over their daily limit is refused before the model is called, naming the limit; the tenant's other users are served", async () => {
    const h = harness();
    const [spent, colleague] = budgetUsers;
    const limit = budgeted!.budget!.userDailyTokens!;
    await leaveRoom(userDayKey(budgeted!.id, spent.sub, new Date()), limit, 0);
    const a = await h.connect(spent);
    const refused = await a.ask("What is the return policy?");
    expect(refused).toMatchObject({ outcome: "error", errorCode: "budget_exhausted" });
    expect(refused.errorMessage).toBe(
      `your daily token limit (${limit} tokens) is used up; it resets at midnight UTC (${nextMidnight()})`,
    );
    expect(refused.events.filter((e) => e.type === "chunk")).toHaveLength(0);
    h.tally.attack("usage/over the user's daily limit");
    refusalsSeen++;
    const b = await h.connect(colleague);
    expect((await b.ask("What is the return policy?")).outcome).toBe("done");
    h.tally.honest();
    await Promise.all([a.close(), b.close()]);
  });

  budgetIt("the tenant's daily budget used up refuses every user of the tenant, and no other tenant's", async () => {
    const h = harness();
    const limit = budgeted!.budget!.dailyTokens!;
    const key = tenantDayKey(budgeted!.id, new Date());
    await leaveRoom(key, limit, 0);
    for (const user of budgetUsers.slice(1, 3)) {
      const connection = await h.connect(user);
      const refused = await connection.ask("What is the return policy?");
      expect(refused).toMatchObject({ outcome: "error", errorCode: "budget_exhausted" });
      expect(refused.errorMessage).toBe(
        `your organisation's daily token budget (${limit} tokens) is used up; it resets at midnight UTC (${nextMidnight()})`,
      );
      h.tally.attack("usage/over the tenant's daily budget");
      refusalsSeen++;
      await connection.close();
    }
    const other = await h.connect(otherTenantUsers[0]);
    expect((await other.ask("What is the return policy?")).outcome).toBe("done");
    h.tally.honest();
    await other.close();
  });

  budgetIt("the tenant's monthly budget used up refuses with its own limit and reset; no other tenant's", async () => {
    const h = harness();
    const limit = budgeted!.budget!.monthlyTokens!;
    const key = tenantMonthKey(budgeted!.id, new Date());
    // Room on the tenant's day, so that the month alone refuses.
    await leaveRoom(tenantDayKey(budgeted!.id, new Date()), budgeted!.budget!.dailyTokens!, 10 * 2000);
    const added = limit - (await committed(key));
    await fill(key, added);
    try {
      const connection = await h.connect(budgetUsers[3]);
      const refused = await connection.ask("What is the return policy?");
      expect(refused).toMatchObject({ outcome: "error", errorCode: "budget_exhausted" });
      expect(refused.errorMessage).toBe(
        `your organisation's monthly token budget (${limit} tokens) is used up; it resets on the first of next month (${nextMonth()})`,
      );
      h.tally.attack("usage/over the tenant's monthly budget");
      refusalsSeen++;
      await connection.close();
      const other = await h.connect(otherTenantUsers[1]);
      expect((await other.ask("What is the return policy?")).outcome).toBe("done");
      h.tally.honest();
      await other.close();
    } finally {
      // Given back at once: the flood below needs the month's room.
      await fill(key, -added);
    }
  });

  budgetIt("tenant A floods with 10× the asks its budget admits; tenant B's asks at the same time are all served", async () => {
    const h = harness();
    const limit = budgeted!.budget!.dailyTokens!;
    const key = tenantDayKey(budgeted!.id, new Date());
    // Room for three reservations: A's flood of 30 is ten times what its budget admits.
    const reserve = 2000;
    const before = limit - 3 * reserve;
    await fill(key, before - (await committed(key)));
    const flooders = await Promise.all(budgetUsers.slice(0, 3).map((u) => h.connect(u)));
    const neighbours = await Promise.all(otherTenantUsers.map((u) => h.connect(u)));
    const [flood, served] = await Promise.all([
      Promise.all(flooders.flatMap((c) => Array.from({ length: 10 }, () => c.ask("What is the return policy?")))),
      Promise.all(neighbours.flatMap((c) => Array.from({ length: 5 }, () => c.ask("What is the return policy?")))),
    ]);
    const refusals = flood.filter((a) => a.errorCode === "budget_exhausted").length;
    process.stdout.write(`usage: noisy neighbour: A ${flood.length} asks, ${refusals} refused (budget_exhausted); B ${served.length} asks\n`);
    expect(refusals).toBeGreaterThanOrEqual(20);
    expect(flood.every((a) => a.outcome === "done" || a.errorCode === "budget_exhausted")).toBe(true);
    expect(served.map((a) => a.outcome)).toEqual(served.map(() => "done"));

    // A cannot overspend: once every admitted answer has settled (its record is written with
    // its counters), the tenant's counter holds exactly their real usage, within the limit.
    const admitted = flood.filter((a) => a.outcome === "done");
    const records = await answerRecords(budgetUsers.slice(0, 3), admitted.map((a) => a.answerId));
    const used = records.reduce((sum, r) => sum + Number(r.inputTokens) + Number(r.outputTokens), 0);
    const { Item: counter } = await h.stack.dynamo.send(new GetCommand({ TableName: usageTable(), Key: key, ConsistentRead: true }));
    process.stdout.write(`usage: noisy neighbour: A admitted ${admitted.length}, used ${used} tokens of the ${3 * reserve} left\n`);
    expect(Number(counter?.reservedTokens ?? 0)).toBe(0);
    expect(Number(counter?.committedTokens)).toBe(before + used);
    expect(Number(counter?.committedTokens)).toBeLessThanOrEqual(limit);
    for (let i = 0; i < refusals; i++) h.tally.attack("usage/noisy neighbour flood");
    refusalsSeen += refusals;
    for (let i = 0; i < served.length; i++) h.tally.honest();
    await Promise.all([...flooders, ...neighbours].map((c) => c.close()));
  });
});

describe("the agent's trace (I22, T37)", () => {
  it("no text of the trace reached any connection, usage item or function log", async () => {
    const h = harness();
    const frames = openedConnections.flatMap((c) => c.frames.map((f) => f.raw)).join("\n");
    expect(frames.length).toBeGreaterThan(0);
    expect(frames).not.toContain(LOCAL_TRACE_CANARY);

    const partitions = [metered, ...budgetUsers, ...otherTenantUsers].map((u) => userDayKey(u.tenantId, u.sub, new Date()).pk);
    const items: unknown[] = [];
    for (const pk of partitions) {
      const result = await h.stack.dynamo.send(
        new QueryCommand({ TableName: usageTable(), KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } }),
      );
      items.push(...(result.Items ?? []));
    }
    expect(items.length).toBeGreaterThan(0);
    expect(JSON.stringify(items)).not.toContain(LOCAL_TRACE_CANARY);

    if (h.stack.isLocal && process.env.STACK_OUTPUTS) {
      const logDir = join(dirname(process.env.STACK_OUTPUTS), "logs");
      const logs = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), "utf8")).join("\n");
      expect(logs).toContain('"inputTokens"');
      expect(logs).not.toContain(LOCAL_TRACE_CANARY);
    }
  });

  it("nothing of another user reached any connection", () => {
    expect(harness().leaks()).toEqual([]);
  });
});

describe("per-tenant metrics of usage (local: .local/metrics)", () => {
  it("counts budget refusals under the refused tenant and the answers' tokens under theirs", () => {
    const h = harness();
    if (!h.stack.isLocal || process.env.STACK_OUTPUTS === undefined || !budgeted) {
      process.stdout.write("usage: SKIPPED the metrics check: needs the local stack and a budgeted tenant\n");
      return;
    }
    const file = join(dirname(process.env.STACK_OUTPUTS!), "metrics", `${stackNames(PROJECT, LOCAL_STAGE, "us-east-1").functionName("chat")}.jsonl`);
    expect(existsSync(file)).toBe(true);
    const records = readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { Timestamp: number } })
      .filter((r) => r._aws.Timestamp >= startedAt);
    const sum = (tenantId: string, metric: string) =>
      records.filter((r) => r[TENANT_DIMENSION] === tenantId && typeof r[metric] === "number").reduce((total, r) => total + Number(r[metric]), 0);
    expect(sum(budgeted.id, METRIC_NAMES.budgetRefusals)).toBeGreaterThanOrEqual(refusalsSeen);
    expect(sum(metered.tenantId, METRIC_NAMES.inputTokens)).toBeGreaterThan(0);
    expect(sum(metered.tenantId, METRIC_NAMES.outputTokens)).toBeGreaterThan(0);
    // Only the refused tenant's counter moved: the other tenant had no refusal.
    expect(sum(otherTenantUsers[0].tenantId, METRIC_NAMES.budgetRefusals)).toBe(0);
    expect(h.leaks()).toEqual([]);
  });
});

function nextMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().replace(":00.000Z", " UTC").replace("T", " ");
}

function nextMidnight(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString().replace(":00.000Z", " UTC").replace("T", " ");
}
