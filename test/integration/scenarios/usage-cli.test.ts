/**
 * `npm run usage` against the stack under test, with the operator's credentials: the
 * seeded counters of a dedicated user come back under their username and tenant, in the
 * documented JSON shape, as a table and as an SVG chart; unknown tenants and bad dates get
 * one clear error. Counters are seeded by the operator (metering only ever adds to them).
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tenantDayKey, userDayKey } from "../../../lambdas/common/usage-keys";
import { resolveOutputsPath } from "../../../local/runtime/stack-outputs";
import { runUsageCli } from "../../../scripts/usage";
import { stackConfigFile } from "../../support/stack/outputs";
import type { TestUser } from "../../support/stack/test-users";
import { useHarness } from "../redteam/support/harness";

jest.setTimeout(60_000);

const SEEDED = { asks: 3, inputTokens: 31_337, outputTokens: 4_242 };
let user: TestUser;
const harness = useHarness("usage-cli", async (h) => {
  user = await h.users.create(h.stack.tenants[1].id, "usage-cli", 0);
  const now = new Date();
  await h.stack.dynamo.send(new PutCommand({ TableName: h.stack.outputs.usageTableName, Item: { ...userDayKey(user.tenantId, user.sub, now), ...SEEDED } }));
  // The tenant's own day counter: metering keeps it; the seed must not lower what is there.
  await h.stack.dynamo.send(
    new PutCommand({
      TableName: h.stack.outputs.usageTableName,
      Item: { ...tenantDayKey(user.tenantId, now), ...SEEDED },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  ).catch(() => undefined);
});

async function usage(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runUsageCli([...argv, "--outputs", resolveOutputsPath(), "--config", stackConfigFile()], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

interface JsonReport {
  tenants: Array<{ tenantId: string; asks: number; inputTokens: number; outputTokens: number; estimatedCostUsd: number | null; users: Array<{ userId: string; username: string; asks: number; inputTokens: number; outputTokens: number }> }>;
}

describe("npm run usage", () => {
  it("reports the user's counters under their username and tenant, in the documented JSON shape", async () => {
    const { code, out, err } = await usage("--tenant", user.tenantId, "--json");
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const report = JSON.parse(out) as JsonReport;
    expect(report.tenants.map((t) => t.tenantId)).toEqual([user.tenantId]);
    const [tenant] = report.tenants;
    expect(Object.keys(tenant).sort()).toEqual(["asks", "estimatedCostUsd", "inputTokens", "outputTokens", "tenantId", "users"]);
    const row = tenant.users.find((u) => u.userId === user.sub);
    expect(row).toBeDefined();
    expect(row!.username).toBe(user.username);
    expect(row!.inputTokens).toBeGreaterThanOrEqual(SEEDED.inputTokens);
    expect(row!.outputTokens).toBeGreaterThanOrEqual(SEEDED.outputTokens);
    expect(tenant.inputTokens).toBeGreaterThan(0);
    expect(typeof tenant.estimatedCostUsd).toBe("number");
  });

  it("narrows to one user, prints a table, and draws the SVG chart", async () => {
    const chart = join(mkdtempSync(join(tmpdir(), "usage-chart-")), "tokens.svg");
    const { code, out } = await usage("--user", user.username, "--chart", chart);
    expect(code).toBe(0);
    expect(out).toContain(user.tenantId);
    expect(out).toMatch(new RegExp(`^ {2}${user.username.replace(/[.]/g, "\\.")}\\s+\\d+\\s+\\d+\\s+\\d+`, "m"));
    const svg = readFileSync(chart, "utf8");
    expect(svg).toContain("<polyline");
    expect(svg).toContain(`>${user.tenantId}</text>`);
  });

  it("shows a budgeted tenant's budget used this month and today, and each user's today against the per-user limit", async () => {
    const budgeted = harness().stack.tenants.find((t) => t.budget?.monthlyTokens !== undefined && t.budget.dailyTokens !== undefined && t.budget.userDailyTokens !== undefined);
    if (!budgeted) {
      process.stdout.write("usage-cli: SKIPPED the budget columns: no tenant of this stack has all three limits\n");
      return;
    }
    const member = await harness().users.create(budgeted.id, "usage-cli-budget", 0);
    await harness().stack.dynamo.send(
      new PutCommand({ TableName: harness().stack.outputs.usageTableName, Item: { ...userDayKey(member.tenantId, member.sub, new Date()), ...SEEDED } }),
    );
    const { code, out } = await usage("--tenant", budgeted.id);
    expect(code).toBe(0);
    expect(out).toMatch(/at the list price \(https:\/\/aws\.amazon\.com\/bedrock\/pricing\/, checked \d{4}-\d{2}-\d{2}\)/);
    expect(out).toMatch(new RegExp(`^${budgeted.id}(\\s+\\S+){4}\\s+\\d+(\\.\\d)?%\\s+\\d+(\\.\\d)?%$`, "m"));
    const share = ((SEEDED.inputTokens + SEEDED.outputTokens) / budgeted.budget!.userDailyTokens!) * 100;
    const row = out.split("\n").find((line) => line.startsWith(`  ${member.username} `));
    expect(row).toMatch(new RegExp(`\\s${share.toFixed(share < 10 ? 1 : 0).replace(".", "\\.")}%$`));
  });

  it("refuses an unknown tenant, an unknown user and a bad date with one clear line", async () => {
    expect(await usage("--tenant", "no-such-tenant")).toMatchObject({ code: 1, err: expect.stringMatching(/^unknown tenant "no-such-tenant" \(tenants of this stack: /) });
    expect(await usage("--user", "nobody-here")).toMatchObject({ code: 1, err: 'unknown user "nobody-here" in this stack\'s user pool' });
    expect(await usage("--since", "2026-02-30")).toMatchObject({ code: 2, err: expect.stringMatching(/^--since must be a calendar day YYYY-MM-DD/) });
    expect(harness().leaks()).toEqual([]);
  });
});
