/**
 * The stage's CloudWatch dashboard and per-tenant budget alarms, as pure data: the
 * dashboard body (JSON) and the alarm definitions the Pulumi program creates
 * (components/observability.ts). They read the chat function's EMF metrics
 * (lambdas/chat/answer-metrics.ts): namespace `<project>/<stage>`, dimensions
 * `service`=chat and `tenantId` (errors also `code`).
 *
 * Alarm windows: CloudWatch evaluates at most 7 days of data (Period × EvaluationPeriods
 * ≤ 604,800 s; PutMetricAlarm API reference, checked 2026-12-02), so a monthly budget is
 * watched at its daily pace: the alarm fires when a tenant's tokens over a sliding 24 hours
 * reach `budgetShare` × monthlyTokens / 30. A daily budget is watched over the same window
 * against `budgetShare` × dailyTokens. The window slides; the budget's day is UTC, so the
 * alarm is an early warning, not the enforcement (which is the chat function's, exactly).
 */
import { ERROR_CODE_DIMENSION, METRIC_NAMES, METRICS_SERVICE, TENANT_DIMENSION } from "../lambdas/chat/answer-metrics";

/** A tenant's token budgets (stack config `tenants[].budget`); none = unlimited. */
export interface TenantBudget {
  monthlyTokens?: number;
  dailyTokens?: number;
  userDailyTokens?: number;
}

export interface DashboardTenant {
  id: string;
  displayName: string;
  budget?: TenantBudget;
}

export interface DashboardArgs {
  namespace: string;
  region: string;
  tenants: readonly DashboardTenant[];
  /** Stack setting `alarms.budgetShare`: drawn on the tokens widget when set. */
  budgetShare?: number;
}

const DAY_SECONDS = 86_400;
const FIVE_MINUTES = 300;
/** The month a monthly budget is spread over when watched at its daily pace. */
export const DAYS_PER_BUDGET_MONTH = 30;
const WIDGET_WIDTH = 6;
const WIDGET_HEIGHT = 6;
/** Header + one row of four widgets per tenant. */
const ROWS_PER_TENANT = 1 + WIDGET_HEIGHT;

type MetricRow = (string | Record<string, unknown>)[];

interface Widget {
  type: "metric" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

function metric(args: DashboardArgs, tenantId: string, name: string, options: Record<string, unknown>): MetricRow {
  return [args.namespace, name, "service", METRICS_SERVICE, TENANT_DIMENSION, tenantId, options];
}

/** CloudWatch search expression: every `Errors` metric of the tenant, one line per code. */
export function errorsByCodeExpression(namespace: string, tenantId: string): string {
  const schema = `{"${namespace}",${ERROR_CODE_DIMENSION},service,${TENANT_DIMENSION}}`;
  return `SEARCH('${schema} MetricName="${METRIC_NAMES.errors}" ${TENANT_DIMENSION}="${tenantId}"', 'Sum', ${FIVE_MINUTES})`;
}

/** The daily token thresholds a tenant's alarms watch (budgetShare × budget, at daily pace). */
export function dailyTokenThresholds(budget: TenantBudget | undefined, share: number): { limit: "daily" | "monthly"; threshold: number }[] {
  const thresholds: { limit: "daily" | "monthly"; threshold: number }[] = [];
  if (budget?.dailyTokens !== undefined) thresholds.push({ limit: "daily", threshold: Math.floor(budget.dailyTokens * share) });
  if (budget?.monthlyTokens !== undefined) {
    thresholds.push({ limit: "monthly", threshold: Math.floor((budget.monthlyTokens * share) / DAYS_PER_BUDGET_MONTH) });
  }
  return thresholds;
}

function budgetText(budget: TenantBudget | undefined): string {
  const parts = [
    budget?.dailyTokens !== undefined ? `${budget.dailyTokens} tokens a day` : undefined,
    budget?.monthlyTokens !== undefined ? `${budget.monthlyTokens} tokens a month` : undefined,
    budget?.userDailyTokens !== undefined ? `${budget.userDailyTokens} tokens per user a day` : undefined,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? `budget: ${parts.join(", ")}` : "no budget (unlimited)";
}

/** Markdown of a text widget: the tenant's values are config, but keep them from forming markup. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

function tenantWidgets(args: DashboardArgs, tenant: DashboardTenant, y: number): Widget[] {
  const base = { region: args.region, view: "timeSeries", stacked: false };
  const annotations = dailyTokenThresholds(tenant.budget, args.budgetShare ?? 1).map((t) => ({
    label: args.budgetShare === undefined ? `${t.limit} budget (per day)` : `alarm: ${t.limit} budget × ${args.budgetShare}`,
    value: t.threshold,
  }));
  const widgets: Widget[] = [
    {
      type: "text",
      x: 0,
      y,
      width: 24,
      height: 1,
      properties: { markdown: `### ${markdownText(tenant.displayName)} (${tenant.id}): ${budgetText(tenant.budget)}` },
    },
    {
      type: "metric",
      x: 0,
      y: y + 1,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      properties: {
        ...base,
        title: `${tenant.id}: asks and errors by code`,
        period: FIVE_MINUTES,
        metrics: [
          metric(args, tenant.id, METRIC_NAMES.asks, { stat: "Sum", label: "asks" }),
          [{ expression: errorsByCodeExpression(args.namespace, tenant.id), id: "errors", label: "errors" }],
        ],
      },
    },
    {
      type: "metric",
      x: WIDGET_WIDTH,
      y: y + 1,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      properties: {
        ...base,
        title: `${tenant.id}: model tokens per day`,
        period: DAY_SECONDS,
        metrics: [
          metric(args, tenant.id, METRIC_NAMES.inputTokens, { stat: "Sum", label: "input tokens" }),
          metric(args, tenant.id, METRIC_NAMES.outputTokens, { stat: "Sum", label: "output tokens" }),
        ],
        ...(annotations.length > 0 ? { annotations: { horizontal: annotations } } : {}),
      },
    },
    {
      type: "metric",
      x: 2 * WIDGET_WIDTH,
      y: y + 1,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      properties: {
        ...base,
        title: `${tenant.id}: answer latency (ms)`,
        period: FIVE_MINUTES,
        metrics: [
          metric(args, tenant.id, METRIC_NAMES.answerLatency, { stat: "p50", label: "p50" }),
          metric(args, tenant.id, METRIC_NAMES.answerLatency, { stat: "p99", label: "p99" }),
        ],
      },
    },
    {
      type: "metric",
      x: 3 * WIDGET_WIDTH,
      y: y + 1,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      properties: {
        ...base,
        title: `${tenant.id}: throttles and budget refusals`,
        period: FIVE_MINUTES,
        metrics: [
          metric(args, tenant.id, METRIC_NAMES.throttles, { stat: "Sum", label: "throttled" }),
          metric(args, tenant.id, METRIC_NAMES.budgetRefusals, { stat: "Sum", label: "budget refusals" }),
        ],
      },
    },
  ];
  return widgets;
}

/** The dashboard body: one header and one row of four widgets per tenant, in config order. */
export function dashboardBody(args: DashboardArgs): { widgets: Widget[] } {
  return { widgets: args.tenants.flatMap((tenant, i) => tenantWidgets(args, tenant, i * ROWS_PER_TENANT)) };
}

/** One budget alarm: what components/observability.ts gives aws.cloudwatch.MetricAlarm. */
export interface BudgetAlarm {
  tenantId: string;
  limit: "daily" | "monthly";
  alarmName: string;
  description: string;
  threshold: number;
  metricQueries: Array<{
    id: string;
    expression?: string;
    label?: string;
    returnData?: boolean;
    metric?: { namespace: string; metricName: string; period: number; stat: string; dimensions: Record<string, string> };
  }>;
}

export interface BudgetAlarmArgs {
  namespace: string;
  /** The stage's prefix (naming.ts): alarm names start with it. */
  prefix: string;
  tenants: readonly DashboardTenant[];
  /** The share of a budget that raises the alarm, in (0, 1]. */
  budgetShare: number;
}

/** Pure: one alarm per tenant and token budget (none for a tenant without one). */
export function budgetAlarms(args: BudgetAlarmArgs): BudgetAlarm[] {
  const tokens = (tenantId: string, id: string, metricName: string) => ({
    id,
    returnData: false,
    metric: {
      namespace: args.namespace,
      metricName,
      period: DAY_SECONDS,
      stat: "Sum",
      dimensions: { service: METRICS_SERVICE, [TENANT_DIMENSION]: tenantId },
    },
  });
  return args.tenants.flatMap((tenant) =>
    dailyTokenThresholds(tenant.budget, args.budgetShare).map(({ limit, threshold }) => ({
      tenantId: tenant.id,
      limit,
      alarmName: `${args.prefix}-${tenant.id}-${limit}-budget`,
      description:
        limit === "daily"
          ? `Tenant ${tenant.id}: model tokens over 24 hours reached ${args.budgetShare * 100}% of its daily budget`
          : `Tenant ${tenant.id}: model tokens over 24 hours reached ${args.budgetShare * 100}% of its monthly budget's daily pace (1/${DAYS_PER_BUDGET_MONTH})`,
      threshold,
      metricQueries: [
        tokens(tenant.id, "input", METRIC_NAMES.inputTokens),
        tokens(tenant.id, "output", METRIC_NAMES.outputTokens),
        // FILL(…, 0): a day with one kind of token only still sums.
        { id: "tokens", expression: "FILL(input, 0) + FILL(output, 0)", label: "model tokens", returnData: true },
      ],
    })),
  );
}
