/**
 * What the usage table holds (keys: usage-keys.ts) and the pure requests that write it:
 * one per-answer record (PutItem) and the answer's three counters (UpdateItem ADD, atomic
 * however many answers end at once in however many Lambda instances). The chat function's
 * metering (lambdas/chat/usage-meter.ts) sends them; readers use the same types.
 *
 * An answer counts on the UTC day and month it STARTED: its budget reservation was made on
 * those counters, and the settlement must reach the same items.
 */
import type { PutCommandInput, UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import {
  answerKey,
  dayEnd,
  monthEnd,
  COMMITTED_TOKENS,
  RESERVED_TOKENS,
  tenantDayKey,
  tenantMonthKey,
  USAGE_COUNTS,
  USAGE_TTL_ATTRIBUTE,
  userDayKey,
  type UsageCounts,
  type UsageKey,
} from "./usage-keys";

const DAY_SECONDS = 24 * 60 * 60;

/** `done`, `stopped`, or the code of the `error` event the answer ended with. */
export type AnswerOutcome = string;

/** The counters an answer adds to. */
export type CounterName = "userDay" | "tenantDay" | "tenantMonth";
export const COUNTER_NAMES: readonly CounterName[] = ["userDay", "tenantDay", "tenantMonth"];

/** A counter item as stored (attributes a counter has not been given yet read as 0). */
export type UsageCounter = UsageKey &
  Partial<UsageCounts> & { reservedTokens?: number; committedTokens?: number; expiresAt?: number };

/** What one answer used, as the chat function measured it. */
export interface AnswerUsage {
  tenantId: string;
  userId: string;
  answerId: string;
  startedAt: Date;
  endedAt: Date;
  outcome: AnswerOutcome;
  inputTokens: number;
  outputTokens: number;
  toolCalls: number;
  chunks: number;
  bytes: number;
}

/** The per-answer item. */
export interface AnswerRecord extends UsageKey, Omit<AnswerUsage, "startedAt" | "endedAt"> {
  /** ISO 8601. */
  startedAt: string;
  endedAt: string;
  /** Epoch seconds: DynamoDB TTL, `retentionDays` after the answer ended. */
  expiresAt: number;
}

/** The keys of the answer's three counters (by its start). */
export function counterKeys(tenantId: string, userId: string, startedAt: Date): Record<CounterName, UsageKey> {
  return {
    userDay: userDayKey(tenantId, userId, startedAt),
    tenantDay: tenantDayKey(tenantId, startedAt),
    tenantMonth: tenantMonthKey(tenantId, startedAt),
  };
}

/** Epoch seconds at which a counter may expire: `retentionDays` after its day or month ends. */
export function counterExpiresAt(counter: CounterName, startedAt: Date, retentionDays: number): number {
  const end = counter === "tenantMonth" ? monthEnd(startedAt) : dayEnd(startedAt);
  return Math.floor(end.getTime() / 1000) + retentionDays * DAY_SECONDS;
}

export function answerRecord(usage: AnswerUsage, retentionDays: number): AnswerRecord {
  return {
    ...answerKey(usage.tenantId, usage.userId, usage.startedAt, usage.answerId),
    ...usage,
    startedAt: usage.startedAt.toISOString(),
    endedAt: usage.endedAt.toISOString(),
    expiresAt: Math.floor(usage.endedAt.getTime() / 1000) + retentionDays * DAY_SECONDS,
  };
}

export function putAnswerRecordRequest(tableName: string, record: AnswerRecord): PutCommandInput {
  return { TableName: tableName, Item: record };
}

/** The amounts one answer adds to each counter: one ask and what it used. */
export function answerCounts(usage: AnswerUsage): UsageCounts {
  return {
    asks: 1,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    toolCalls: usage.toolCalls,
    chunks: usage.chunks,
    bytes: usage.bytes,
  };
}

/**
 * Pure: add `counts` to a counter and take back `releaseTokens` of its reservation, in ONE
 * UpdateItem (ADD creates missing attributes at 0), so the counter is never seen with the
 * usage added but the reservation still held, or the other way round. `committedTokens`
 * (usage-keys.ts) moves by the difference, so it stays input + output + reserved.
 */
export function addToCounterRequest(
  tableName: string,
  key: UsageKey,
  counts: UsageCounts,
  expiresAt: number,
  releaseTokens = 0,
): UpdateCommandInput {
  const names: Record<string, string> = { "#expiresAt": USAGE_TTL_ATTRIBUTE };
  const values: Record<string, number> = { ":expiresAt": expiresAt };
  const adds = USAGE_COUNTS.map((count) => {
    names[`#${count}`] = count;
    values[`:${count}`] = counts[count];
    return `#${count} :${count}`;
  });
  if (releaseTokens !== 0) {
    names["#reserved"] = RESERVED_TOKENS;
    values[":release"] = -releaseTokens;
    adds.push("#reserved :release");
  }
  names["#committed"] = COMMITTED_TOKENS;
  values[":committed"] = counts.inputTokens + counts.outputTokens - releaseTokens;
  adds.push("#committed :committed");
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: `ADD ${adds.join(", ")} SET #expiresAt = :expiresAt`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: "NONE",
  };
}
