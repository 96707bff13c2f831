/**
 * The usage table's keys (docs/architecture.md §Data model), defined once for the code that
 * writes usage (the chat function's metering and budgets) and the code that reads it (the
 * operator's report, a user's own-usage tool). Pure.
 *
 *   per-user daily counter    pk `<tenantId>#<sub>`  sk `day#YYYY-MM-DD`
 *   per-tenant daily counter  pk `<tenantId>`        sk `day#YYYY-MM-DD`
 *   per-tenant monthly        pk `<tenantId>`        sk `month#YYYY-MM`
 *   per-answer record         pk `<tenantId>#<sub>`  sk `answer#<ISO start>#<answerId>`
 *
 * Days and months are UTC. The tenant's items and each of its users' items are separate
 * partitions whose keys start with the tenant id, so a LeadingKeys condition of
 * `<tenantId>#<sub>` admits exactly one user's items and `<tenantId>` exactly the tenant's
 * own counters. Tenant ids cannot contain `#` (TENANT_ID_PATTERN), so a user partition
 * never equals a tenant partition.
 */
import { isSub, isTenantId } from "./identifiers";

/** How long a per-answer record is kept when the stack does not say (stack setting usage.retentionDays). */
export const DEFAULT_USAGE_RETENTION_DAYS = 90;

/** The TTL attribute (epoch seconds) of every usage item. */
export const USAGE_TTL_ATTRIBUTE = "expiresAt";

export const DAY_PREFIX = "day#";
export const MONTH_PREFIX = "month#";
export const ANSWER_PREFIX = "answer#";

/** The quantities every counter and answer record carries (numbers; a counter starts at 0). */
export const USAGE_COUNTS = ["asks", "inputTokens", "outputTokens", "toolCalls", "chunks", "bytes"] as const;
export type UsageCount = (typeof USAGE_COUNTS)[number];
export type UsageCounts = Record<UsageCount, number>;
/** Tokens reserved by answers still running (budgets); settled back to 0 when each ends. */
export const RESERVED_TOKENS = "reservedTokens";
/**
 * inputTokens + outputTokens + reservedTokens, kept in step by every update: a DynamoDB
 * condition cannot add attributes, so the budget check compares this one to a limit.
 */
export const COMMITTED_TOKENS = "committedTokens";

export interface UsageKey {
  pk: string;
  sk: string;
}

function checkTenant(tenantId: string): string {
  if (!isTenantId(tenantId)) throw new TypeError("usage key: bad tenant id");
  return tenantId;
}

/** The partition of one user's counters and answer records. */
export function userPartition(tenantId: string, sub: string): string {
  if (!isSub(sub)) throw new TypeError("usage key: sub is not a Cognito sub");
  return `${checkTenant(tenantId)}#${sub}`;
}

/** The partition of a tenant's own counters. */
export function tenantPartition(tenantId: string): string {
  return checkTenant(tenantId);
}

/** `YYYY-MM-DD`, the UTC day. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `YYYY-MM`, the UTC month. */
export function utcMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

export function daySortKey(at: Date): string {
  return `${DAY_PREFIX}${utcDay(at)}`;
}

export function monthSortKey(at: Date): string {
  return `${MONTH_PREFIX}${utcMonth(at)}`;
}

export function userDayKey(tenantId: string, sub: string, at: Date): UsageKey {
  return { pk: userPartition(tenantId, sub), sk: daySortKey(at) };
}

export function tenantDayKey(tenantId: string, at: Date): UsageKey {
  return { pk: tenantPartition(tenantId), sk: daySortKey(at) };
}

export function tenantMonthKey(tenantId: string, at: Date): UsageKey {
  return { pk: tenantPartition(tenantId), sk: monthSortKey(at) };
}

/** One answer's record; sorts by start time within the user's partition. */
export function answerKey(tenantId: string, sub: string, startedAt: Date, answerId: string): UsageKey {
  return { pk: userPartition(tenantId, sub), sk: `${ANSWER_PREFIX}${startedAt.toISOString()}#${answerId}` };
}

/** When a UTC day ends (the next midnight): a daily budget resets then. */
export function dayEnd(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
}

/** When a UTC month ends (the first of the next month, midnight): a monthly budget resets then. */
export function monthEnd(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

export type ParsedSortKey =
  | { kind: "day"; day: string }
  | { kind: "month"; month: string }
  | { kind: "answer"; startedAt: string; answerId: string };

/** Pure: what a sort key names, or undefined for anything this module did not build. */
export function parseSortKey(sk: string): ParsedSortKey | undefined {
  let match = /^day#(\d{4}-\d{2}-\d{2})$/.exec(sk);
  if (match) return { kind: "day", day: match[1] };
  match = /^month#(\d{4}-\d{2})$/.exec(sk);
  if (match) return { kind: "month", month: match[1] };
  match = /^answer#(\d{4}-\d{2}-\d{2}T[\d:.]+Z)#(.+)$/.exec(sk);
  if (match) return { kind: "answer", startedAt: match[1], answerId: match[2] };
  return undefined;
}
