/** scripts/usage/report.ts: counters → per-tenant and per-user totals, the JSON shape, the table. */
import { estimatedCostUsd, PRICES_CHECKED, PRICES_SOURCE } from "../../../../scripts/usage/prices";
import { buildReport, daysBetween, formatReport, reportJson, type UsageItem } from "../../../../scripts/usage/report";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const C = "33333333-3333-4333-8333-333333333333";
const PRICE = { inputPerMillion: 3, outputPerMillion: 15 };

const ITEMS: UsageItem[] = [
  { pk: "tenant1", sk: "day#2026-12-01", asks: 2, inputTokens: 1000, outputTokens: 100 },
  { pk: "tenant1", sk: "day#2026-12-02", asks: 1, inputTokens: 500, outputTokens: 50 },
  { pk: "tenant1", sk: "day#2026-11-30", asks: 9, inputTokens: 9000, outputTokens: 900 },
  { pk: "tenant1", sk: "month#2026-12", asks: 3, inputTokens: 1500, outputTokens: 150 },
  { pk: `tenant1#${A}`, sk: "day#2026-12-01", asks: 2, inputTokens: 1000, outputTokens: 100 },
  { pk: `tenant1#${B}`, sk: "day#2026-12-02", asks: 1, inputTokens: 500, outputTokens: 50 },
  { pk: `tenant1#${B}`, sk: "day#2026-11-30", asks: 9, inputTokens: 9000, outputTokens: 900 },
  { pk: "tenant2", sk: "day#2026-12-02", asks: 4, inputTokens: 4000, outputTokens: 400 },
  { pk: `tenant2#${C}`, sk: "day#2026-12-02", asks: 4, inputTokens: 4000, outputTokens: 400 },
  // A tenant whose id starts like another's must not be counted under it.
  { pk: "tenant10", sk: "day#2026-12-02", asks: 77, inputTokens: 77, outputTokens: 77 },
];
const USERNAMES = new Map([
  [A, "alice"],
  [B, "bob"],
]);
const base = {
  items: ITEMS,
  tenants: [{ id: "tenant1", budget: { monthlyTokens: 16_500, dailyTokens: 1100, userDailyTokens: 1000 } }, { id: "tenant2" }],
  usernames: USERNAMES,
  since: "2026-12-01",
  today: "2026-12-02",
  price: PRICE,
};

describe("buildReport", () => {
  const [t1, t2] = buildReport(base);

  it("sums the tenant's daily counters since the day, and each user's", () => {
    expect(t1).toMatchObject({ tenantId: "tenant1", asks: 3, inputTokens: 1500, outputTokens: 150 });
    expect(t1.users).toEqual([
      { userId: A, username: "alice", asks: 2, inputTokens: 1000, outputTokens: 100, estimatedCostUsd: 0.0045, budgetToday: 0 },
      { userId: B, username: "bob", asks: 1, inputTokens: 500, outputTokens: 50, estimatedCostUsd: estimatedCostUsd({ inputTokens: 500, outputTokens: 50 }, PRICE), budgetToday: 0.55 },
    ]);
    // A user the pool no longer has is shown by sub; no per-user limit, no share.
    expect(t2.users).toEqual([{ userId: C, username: C, asks: 4, inputTokens: 4000, outputTokens: 400, estimatedCostUsd: 0.018 }]);
    expect(t2.users[0]).not.toHaveProperty("budgetToday");
  });

  it("estimates the cost with the model's price, and none without one", () => {
    expect(t1.estimatedCostUsd).toBe(0.0068);
    const unpriced = buildReport({ ...base, price: undefined })[0];
    expect(unpriced.estimatedCostUsd).toBeNull();
    expect(unpriced.users.map((u) => u.estimatedCostUsd)).toEqual([null, null]);
  });

  it("reports budget used this month (month counter) and today (today's counter)", () => {
    expect(t1.budgetUsed).toEqual({ month: 1650 / 16_500, today: 550 / 1100 });
    expect(t2.budgetUsed).toEqual({});
  });

  it("keeps tokens per day for the chart, zero on days without use", () => {
    expect(t1.days).toEqual({ "2026-12-01": 1100, "2026-12-02": 550 });
    expect(t2.days).toEqual({ "2026-12-01": 0, "2026-12-02": 4400 });
  });

  it("narrows to one user: the tenant row is that user's", () => {
    const [only] = buildReport({ ...base, tenants: [{ id: "tenant1" }], userId: B, since: "2026-11-30" });
    expect(only).toMatchObject({ asks: 10, inputTokens: 9500, outputTokens: 950 });
    expect(only.users.map((u) => u.username)).toEqual(["bob"]);
  });
});

describe("reportJson", () => {
  it("prints exactly the documented shape", () => {
    expect(JSON.parse(reportJson(buildReport(base)))).toEqual({
      tenants: [
        {
          tenantId: "tenant1",
          asks: 3,
          inputTokens: 1500,
          outputTokens: 150,
          estimatedCostUsd: 0.0068,
          users: [
            { userId: A, username: "alice", asks: 2, inputTokens: 1000, outputTokens: 100 },
            { userId: B, username: "bob", asks: 1, inputTokens: 500, outputTokens: 50 },
          ],
        },
        { tenantId: "tenant2", asks: 4, inputTokens: 4000, outputTokens: 400, estimatedCostUsd: 0.018, users: [{ userId: C, username: C, asks: 4, inputTokens: 4000, outputTokens: 400 }] },
      ],
    });
  });
});

describe("formatReport", () => {
  it("prints a row per tenant and an indented row per user, with budget shares", () => {
    const text = formatReport(buildReport(base), { since: "2026-12-01", today: "2026-12-02", model: "us.anthropic.claude-sonnet-4-6", priced: true });
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      `usage 2026-12-01 to 2026-12-02 (UTC); cost estimated for us.anthropic.claude-sonnet-4-6 at the list price (${PRICES_SOURCE}, checked ${PRICES_CHECKED})`,
    );
    expect(lines[1]).toMatch(/^tenant \/ user\s+asks\s+input tokens\s+output tokens\s+est\. cost USD\s+budget month\s+budget today$/);
    expect(lines[2]).toMatch(/^tenant1\s+3\s+1500\s+150\s+0\.0068\s+10%\s+50%$/);
    expect(lines[3]).toMatch(/^ {2}alice\s+2\s+1000\s+100\s+0\.0045\s+0\.0%$/);
    expect(lines[4]).toMatch(/^ {2}bob\s+1\s+500\s+50\s+0\.002\d\s+55%$/);
    expect(lines[5]).toMatch(/^tenant2\s+4\s+4000\s+400\s+0\.0180\s+-\s+-$/);
  });
});

describe("daysBetween", () => {
  it("lists every UTC day, month ends included", () => {
    expect(daysBetween("2026-11-29", "2026-12-01")).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    expect(daysBetween("2026-12-02", "2026-12-02")).toEqual(["2026-12-02"]);
  });
});
