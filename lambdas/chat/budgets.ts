/**
 * Token budgets (I21): a tenant's optional monthly and daily limits and a per-user daily
 * limit, checked and reserved BEFORE the model is called, atomically across concurrent
 * asks and Lambda instances. Each budgeted counter gets ONE conditional UpdateItem that
 * reserves the answer's estimate only if the counter's committed tokens (used + reserved,
 * usage-keys.ts) leave room for it; the answer's real usage later replaces the estimate
 * (usage-records.ts addToCounterRequest). Pure: requests and messages only.
 *
 * The estimate is capped at the limit, so a limit smaller than the estimate still admits
 * one answer on an empty counter. An answer may use more than it reserved: a counter can
 * end above its limit by at most what the answers running at that moment used beyond their
 * estimates, and the next ask is refused.
 */
import type { UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { COMMITTED_TOKENS, dayEnd, monthEnd, RESERVED_TOKENS, USAGE_TTL_ATTRIBUTE, type UsageKey } from "../common/usage-keys";
import type { CounterName } from "../common/usage-records";

/** A tenant's budget as the stack config gives it (infra/config.ts); a missing limit is no limit. */
export interface TokenBudget {
  monthlyTokens?: number;
  dailyTokens?: number;
  userDailyTokens?: number;
}

/** tenantId → budget, for the tenants that have one. */
export type TenantBudgets = Readonly<Record<string, TokenBudget>>;

export interface BudgetLimit {
  counter: CounterName;
  limit: number;
}

/**
 * The limits that apply to a tenant's asks, widest first: when several are used up, the
 * message names the one that resets last (the month before the day, the tenant before the user).
 */
export function budgetLimits(budget: TokenBudget | undefined): BudgetLimit[] {
  if (!budget) return [];
  const limits: BudgetLimit[] = [];
  if (budget.monthlyTokens !== undefined) limits.push({ counter: "tenantMonth", limit: budget.monthlyTokens });
  if (budget.dailyTokens !== undefined) limits.push({ counter: "tenantDay", limit: budget.dailyTokens });
  if (budget.userDailyTokens !== undefined) limits.push({ counter: "userDay", limit: budget.userDailyTokens });
  return limits;
}

/** What one answer reserves on a counter with this limit. */
export function reservationFor(limit: number, estimate: number): number {
  return Math.min(limit, estimate);
}

/**
 * Pure: reserve `tokens` on a counter, only if committed + tokens ≤ limit. The condition
 * holds on a counter nobody has written yet (committed 0).
 */
export function reserveRequest(tableName: string, key: UsageKey, limit: number, tokens: number, expiresAt: number): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: "ADD #reserved :tokens, #committed :tokens SET #expiresAt = :expiresAt",
    ConditionExpression: "attribute_not_exists(#committed) OR #committed <= :room",
    ExpressionAttributeNames: { "#reserved": RESERVED_TOKENS, "#committed": COMMITTED_TOKENS, "#expiresAt": USAGE_TTL_ATTRIBUTE },
    ExpressionAttributeValues: { ":tokens": tokens, ":room": limit - tokens, ":expiresAt": expiresAt },
    ReturnValues: "NONE",
  };
}

/** Pure: give back a reservation that is not going to be used (another counter refused the answer). */
export function releaseRequest(tableName: string, key: UsageKey, tokens: number): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: "ADD #reserved :release, #committed :release",
    ExpressionAttributeNames: { "#reserved": RESERVED_TOKENS, "#committed": COMMITTED_TOKENS },
    ExpressionAttributeValues: { ":release": -tokens },
    ReturnValues: "NONE",
  };
}

/** The reservation's condition failed: the counter has no room. Any other error is not a "no". */
export function isBudgetRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** When the counter's limit starts over: the next UTC midnight, or the first of next month. */
export function budgetResetsAt(counter: CounterName, now: Date): Date {
  return counter === "tenantMonth" ? monthEnd(now) : dayEnd(now);
}

const LIMIT_NAMES: Readonly<Record<CounterName, string>> = {
  tenantMonth: "your organisation's monthly token budget",
  tenantDay: "your organisation's daily token budget",
  userDay: "your daily token limit",
};

/** The `budget_exhausted` message: which limit, how large, and when it resets (UTC). */
export function budgetExhaustedMessage(limit: BudgetLimit, now: Date): string {
  const resets = budgetResetsAt(limit.counter, now).toISOString().replace(":00.000Z", " UTC").replace("T", " ");
  const when = limit.counter === "tenantMonth" ? "on the first of next month" : "at midnight UTC";
  return `${LIMIT_NAMES[limit.counter]} (${limit.limit} tokens) is used up; it resets ${when} (${resets})`;
}
