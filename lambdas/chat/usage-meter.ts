/**
 * The answer step's side of usage (I21, I22): reserve against the tenant's budgets before the
 * model is called, and when the answer ends (done, error or stopped) settle the reservation
 * with the real usage, add to the three counters and write the answer's record.
 *
 * AWS calls per answer: one conditional UpdateItem per budgeted counter at the start (0–3;
 * plus one release per reservation made when another counter refuses), and at the end three
 * UpdateItem (the counters) and one PutItem (the record), sent in parallel.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  addToCounterRequest,
  answerCounts,
  answerRecord,
  COUNTER_NAMES,
  counterExpiresAt,
  counterKeys,
  putAnswerRecordRequest,
  type AnswerUsage,
  type CounterName,
} from "../common/usage-records";
import {
  budgetLimits,
  isBudgetRefusal,
  releaseRequest,
  reservationFor,
  reserveRequest,
  type BudgetLimit,
  type TenantBudgets,
} from "./budgets";

export interface UsageMeterSettings {
  tableName: string;
  retentionDays: number;
  /** The tokens an answer reserves on each budgeted counter until its real usage is known. */
  reserveTokensPerAnswer: number;
  budgets: TenantBudgets;
}

/** Tokens reserved per counter for one answer (only budgeted counters). */
export type Reservation = Partial<Record<CounterName, number>>;

export type ReserveOutcome = { ok: true; reservation: Reservation } | { ok: false; exhausted: BudgetLimit };

export class UsageMeter {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly settings: UsageMeterSettings,
  ) {}

  /**
   * Reserve the estimate on every budgeted counter of the answer, or on none: when one
   * refuses, the others' reservations are given back and the refusing limit (the widest,
   * if several refuse) is returned. Other failures are rethrown (the caller fails closed).
   */
  async reserve(tenantId: string, userId: string, startedAt: Date): Promise<ReserveOutcome> {
    const limits = budgetLimits(this.settings.budgets[tenantId]);
    if (limits.length === 0) return { ok: true, reservation: {} };
    const keys = counterKeys(tenantId, userId, startedAt);
    const results = await Promise.allSettled(
      limits.map(async ({ counter, limit }) => {
        const tokens = reservationFor(limit, this.settings.reserveTokensPerAnswer);
        const expiresAt = counterExpiresAt(counter, startedAt, this.settings.retentionDays);
        await this.documents.send(new UpdateCommand(reserveRequest(this.settings.tableName, keys[counter], limit, tokens, expiresAt)));
        return tokens;
      }),
    );
    const reservation: Reservation = {};
    results.forEach((result, i) => {
      if (result.status === "fulfilled") reservation[limits[i].counter] = result.value;
    });
    const refused = results.findIndex((result) => result.status === "rejected" && isBudgetRefusal(result.reason));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed === undefined) return { ok: true, reservation };
    await this.release(keys, reservation);
    if (refused >= 0) return { ok: false, exhausted: limits[refused] };
    throw failed.reason;
  }

  /** The answer ended: its counters get its usage and give back its reservation; its record is written. */
  async settle(usage: AnswerUsage, reservation: Reservation): Promise<void> {
    const keys = counterKeys(usage.tenantId, usage.userId, usage.startedAt);
    const counts = answerCounts(usage);
    const { tableName, retentionDays } = this.settings;
    await Promise.all([
      ...COUNTER_NAMES.map((counter) =>
        this.documents.send(
          new UpdateCommand(
            addToCounterRequest(tableName, keys[counter], counts, counterExpiresAt(counter, usage.startedAt, retentionDays), reservation[counter] ?? 0),
          ),
        ),
      ),
      this.documents.send(new PutCommand(putAnswerRecordRequest(tableName, answerRecord(usage, retentionDays)))),
    ]);
  }

  private async release(keys: ReturnType<typeof counterKeys>, reservation: Reservation): Promise<void> {
    await Promise.all(
      Object.entries(reservation).map(([counter, tokens]) =>
        this.documents.send(new UpdateCommand(releaseRequest(this.settings.tableName, keys[counter as CounterName], tokens))),
      ),
    );
  }
}
