/**
 * infra/dashboard.ts: the dashboard body names exactly the metrics the chat function
 * writes (lambdas/chat/answer-metrics.ts), per tenant; budget alarms exist only for
 * budgets, at the configured share, at a daily pace for monthly budgets.
 */
import { budgetAlarms, dailyTokenThresholds, dashboardBody, errorsByCodeExpression } from "../../../infra/dashboard";
import { METRIC_NAMES, METRICS_SERVICE, TENANT_DIMENSION } from "../../../lambdas/chat/answer-metrics";

const NAMESPACE = "multi-tenant-assistant/dev";
const TENANTS = [
  { id: "tenant1", displayName: "Tenant *One*", budget: { dailyTokens: 10_000, monthlyTokens: 300_000 } },
  { id: "tenant2", displayName: "Tenant Two" },
];

type MetricRow = (string | Record<string, unknown>)[];

describe("dashboardBody", () => {
  const body = dashboardBody({ namespace: NAMESPACE, region: "eu-west-1", tenants: TENANTS, budgetShare: 0.8 });
  const metricWidgets = body.widgets.filter((w) => w.type === "metric");

  it("has a header and four metric widgets per tenant, laid out without overlap", () => {
    expect(body.widgets).toHaveLength(2 * 5);
    expect(metricWidgets).toHaveLength(8);
    const cells = new Set<string>();
    for (const w of body.widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x += 1) {
        for (let y = w.y; y < w.y + w.height; y += 1) {
          const cell = `${x},${y}`;
          expect(cells.has(cell)).toBe(false);
          cells.add(cell);
        }
      }
    }
  });

  it("reads every metric the chat function writes, with its dimensions, for each tenant only", () => {
    for (const tenant of TENANTS) {
      const rows = metricWidgets
        .filter((w) => String(w.properties.title).startsWith(`${tenant.id}:`))
        .flatMap((w) => w.properties.metrics as MetricRow[])
        .filter((row) => typeof row[0] === "string");
      for (const row of rows) {
        expect(row.slice(0, 1)).toEqual([NAMESPACE]);
        expect(row.slice(2, 6)).toEqual(["service", METRICS_SERVICE, TENANT_DIMENSION, tenant.id]);
      }
      const names = new Set(rows.map((row) => row[1]));
      expect([...names].sort()).toEqual(
        [METRIC_NAMES.asks, METRIC_NAMES.inputTokens, METRIC_NAMES.outputTokens, METRIC_NAMES.answerLatency, METRIC_NAMES.throttles, METRIC_NAMES.budgetRefusals].sort(),
      );
    }
    expect(metricWidgets.every((w) => w.properties.region === "eu-west-1")).toBe(true);
  });

  it("shows errors by code with a search over the tenant's Errors metrics", () => {
    expect(errorsByCodeExpression(NAMESPACE, "tenant1")).toBe(
      `SEARCH('{"${NAMESPACE}",code,service,tenantId} MetricName="Errors" tenantId="tenant1"', 'Sum', 300)`,
    );
    const asks = metricWidgets.find((w) => w.properties.title === "tenant1: asks and errors by code")!;
    expect(JSON.stringify(asks.properties.metrics)).toContain(JSON.stringify(errorsByCodeExpression(NAMESPACE, "tenant1")));
  });

  it("draws the alarm thresholds on the tokens widget of a tenant with budgets, none without", () => {
    const tokens = (id: string) => metricWidgets.find((w) => w.properties.title === `${id}: model tokens per day`)!;
    expect(tokens("tenant1").properties.annotations).toEqual({
      horizontal: [
        { label: "alarm: daily budget × 0.8", value: 8000 },
        { label: "alarm: monthly budget × 0.8", value: 8000 },
      ],
    });
    expect(tokens("tenant2").properties.annotations).toBeUndefined();
  });

  it("keeps a display name from forming Markdown in the header", () => {
    const header = body.widgets.find((w) => w.type === "text")!;
    expect(header.properties.markdown).toContain("Tenant \\*One\\*");
    expect(header.properties.markdown).toContain("budget: 10000 tokens a day, 300000 tokens a month");
    expect(body.widgets.filter((w) => w.type === "text")[1].properties.markdown).toContain("no budget (unlimited)");
  });
});

describe("dailyTokenThresholds", () => {
  it("is the share of a daily budget, and of a monthly budget's thirtieth", () => {
    expect(dailyTokenThresholds({ dailyTokens: 1000 }, 0.5)).toEqual([{ limit: "daily", threshold: 500 }]);
    expect(dailyTokenThresholds({ monthlyTokens: 3_000_000 }, 0.8)).toEqual([{ limit: "monthly", threshold: 80_000 }]);
    expect(dailyTokenThresholds({ userDailyTokens: 10 }, 0.8)).toEqual([]);
    expect(dailyTokenThresholds(undefined, 0.8)).toEqual([]);
  });
});

describe("budgetAlarms", () => {
  const alarms = budgetAlarms({ namespace: NAMESPACE, prefix: "multi-tenant-assistant-dev", tenants: TENANTS, budgetShare: 0.8 });

  it("makes one alarm per tenant and token budget, none for a tenant without a budget", () => {
    expect(alarms.map((a) => [a.alarmName, a.threshold])).toEqual([
      ["multi-tenant-assistant-dev-tenant1-daily-budget", 8000],
      ["multi-tenant-assistant-dev-tenant1-monthly-budget", 8000],
    ]);
  });

  it("sums the tenant's input and output tokens over one day", () => {
    const [alarm] = alarms;
    const metrics = alarm.metricQueries.filter((q) => q.metric);
    expect(metrics.map((q) => q.metric!.metricName).sort()).toEqual([METRIC_NAMES.inputTokens, METRIC_NAMES.outputTokens].sort());
    for (const q of metrics) {
      expect(q.metric).toMatchObject({ namespace: NAMESPACE, period: 86_400, stat: "Sum", dimensions: { service: "chat", tenantId: "tenant1" } });
      expect(q.returnData).toBe(false);
    }
    const returned = alarm.metricQueries.filter((q) => q.returnData);
    expect(returned).toEqual([{ id: "tokens", expression: "FILL(input, 0) + FILL(output, 0)", label: "model tokens", returnData: true }]);
  });
});
