/**
 * The usage report, pure: usage-table items (the daily and monthly counters of
 * lambdas/common/usage-keys.ts) in, per-tenant and per-user totals out, as a table or as
 * the `--json` shape. Answer records are not read: the counters already hold the sums.
 */
import { DAY_PREFIX, MONTH_PREFIX } from "../../lambdas/common/usage-keys";
import { estimatedCostUsd, PRICES_CHECKED, PRICES_SOURCE, type TokenPrice } from "./prices";

export interface UsageItem {
  pk: string;
  sk: string;
  asks?: number;
  inputTokens?: number;
  outputTokens?: number;
}

export interface Totals {
  asks: number;
  inputTokens: number;
  outputTokens: number;
}

export interface UserUsage extends Totals {
  userId: string;
  /** From the user pool; the sub when the user no longer exists. */
  username: string;
  /** The user's tokens at the stack's model's price; null when the model is not in the price table. */
  estimatedCostUsd: number | null;
  /** Tokens used today / the tenant's per-user daily limit; absent without that limit. */
  budgetToday?: number;
}

export interface TenantBudget {
  monthlyTokens?: number;
  dailyTokens?: number;
  userDailyTokens?: number;
}

export interface TenantUsage extends Totals {
  tenantId: string;
  /** null when the stack's model is not in the price table. */
  estimatedCostUsd: number | null;
  users: UserUsage[];
  /** Tokens used / budget, as a share (0.42 = 42%), this month and today; absent without that budget. */
  budgetUsed: { month?: number; today?: number };
  /** Tokens (in + out) per UTC day, since → today, for the chart. */
  days: Record<string, number>;
}

export interface ReportInput {
  items: readonly UsageItem[];
  /** The tenants to report, in order, with their budgets. */
  tenants: ReadonlyArray<{ id: string; budget?: TenantBudget }>;
  /** sub → username. */
  usernames: ReadonlyMap<string, string>;
  /** Only this sub (`--user`). */
  userId?: string;
  since: string;
  today: string;
  price?: TokenPrice;
}

const zero = (): Totals => ({ asks: 0, inputTokens: 0, outputTokens: 0 });

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

function add(to: Totals, item: UsageItem): void {
  to.asks += count(item.asks);
  to.inputTokens += count(item.inputTokens);
  to.outputTokens += count(item.outputTokens);
}

/** Every UTC day from `since` to `today`, inclusive. */
export function daysBetween(since: string, today: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${since}T00:00:00Z`); t <= Date.parse(`${today}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export function buildReport(input: ReportInput): TenantUsage[] {
  const month = input.today.slice(0, 7);
  const inRange = (day: string) => day >= input.since && day <= input.today;
  return input.tenants.map(({ id, budget }) => {
    const tenant = zero();
    const monthTotals = zero();
    const todayTotals = zero();
    const days = Object.fromEntries(daysBetween(input.since, input.today).map((d) => [d, 0]));
    const users = new Map<string, Totals & { userId: string; username: string; today: Totals }>();
    for (const item of input.items) {
      const day = item.sk.startsWith(DAY_PREFIX) ? item.sk.slice(DAY_PREFIX.length) : undefined;
      if (item.pk === id) {
        if (item.sk === `${MONTH_PREFIX}${month}`) add(monthTotals, item);
        if (day === input.today) add(todayTotals, item);
        if (day !== undefined && inRange(day) && input.userId === undefined) {
          add(tenant, item);
          days[day] = (days[day] ?? 0) + count(item.inputTokens) + count(item.outputTokens);
        }
      } else if (item.pk.startsWith(`${id}#`) && day !== undefined && inRange(day)) {
        const userId = item.pk.slice(id.length + 1);
        if (input.userId !== undefined && userId !== input.userId) continue;
        let user = users.get(userId);
        if (!user) {
          user = { userId, username: input.usernames.get(userId) ?? userId, ...zero(), today: zero() };
          users.set(userId, user);
        }
        add(user, item);
        if (day === input.today) add(user.today, item);
        if (input.userId !== undefined) {
          add(tenant, item);
          days[day] = (days[day] ?? 0) + count(item.inputTokens) + count(item.outputTokens);
        }
      }
    }
    const used = (totals: Totals, limit: number | undefined) =>
      limit === undefined || limit <= 0 ? undefined : (totals.inputTokens + totals.outputTokens) / limit;
    const cost = (totals: Totals) => (input.price ? estimatedCostUsd(totals, input.price) : null);
    const monthUsed = used(monthTotals, budget?.monthlyTokens);
    const todayUsed = used(todayTotals, budget?.dailyTokens);
    return {
      tenantId: id,
      ...tenant,
      estimatedCostUsd: cost(tenant),
      users: [...users.values()]
        .map(({ today, ...user }): UserUsage => {
          const budgetToday = used(today, budget?.userDailyTokens);
          return { ...user, estimatedCostUsd: cost(user), ...(budgetToday !== undefined ? { budgetToday } : {}) };
        })
        .sort((a, b) => a.username.localeCompare(b.username)),
      budgetUsed: { ...(monthUsed !== undefined ? { month: monthUsed } : {}), ...(todayUsed !== undefined ? { today: todayUsed } : {}) },
      days,
    };
  });
}

/** The `--json` shape, exactly (docs: README, npm run usage). */
export function reportJson(tenants: readonly TenantUsage[]): string {
  return JSON.stringify({
    tenants: tenants.map((t) => ({
      tenantId: t.tenantId,
      asks: t.asks,
      inputTokens: t.inputTokens,
      outputTokens: t.outputTokens,
      estimatedCostUsd: t.estimatedCostUsd,
      users: t.users.map((u) => ({ userId: u.userId, username: u.username, asks: u.asks, inputTokens: u.inputTokens, outputTokens: u.outputTokens })),
    })),
  });
}

const percent = (share: number | undefined) => (share === undefined ? "-" : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`);

/** Pure: the table `npm run usage` prints. */
export function formatReport(tenants: readonly TenantUsage[], note: { since: string; today: string; model: string; priced: boolean }): string {
  const header = ["tenant / user", "asks", "input tokens", "output tokens", "est. cost USD", "budget month", "budget today"];
  const rows: string[][] = [];
  for (const t of tenants) {
    rows.push([
      t.tenantId,
      String(t.asks),
      String(t.inputTokens),
      String(t.outputTokens),
      t.estimatedCostUsd === null ? "?" : t.estimatedCostUsd.toFixed(4),
      percent(t.budgetUsed.month),
      percent(t.budgetUsed.today),
    ]);
    for (const u of t.users) {
      const cost = u.estimatedCostUsd === null ? "?" : u.estimatedCostUsd.toFixed(4);
      rows.push([`  ${u.username}`, String(u.asks), String(u.inputTokens), String(u.outputTokens), cost, "", percent(u.budgetToday)]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  const lines = [
    `usage ${note.since} to ${note.today} (UTC); cost estimated for ${note.model}` +
      (note.priced ? ` at the list price (${PRICES_SOURCE}, checked ${PRICES_CHECKED})` : " (no price known: ?)"),
    line(header),
    ...rows.map(line),
  ];
  if (tenants.length === 0) lines.push("no tenants");
  return lines.join("\n");
}
