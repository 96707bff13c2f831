/**
 * Stopping an answer (docs/architecture.md §Protocol, I16). The `stop` frame and the answer
 * step run in different invocations, so they meet in a small marker item on the limits
 * table: the route writes `stop#<answerId>` (UpdateItem, TTL a few minutes after the
 * longest possible answer), and the answer step reads it on a timer, at most once per
 * `STOP_CHECK_INTERVAL_MS` of answer and never per chunk, then aborts the InvokeAgent
 * request (which closes the agent's stream) and ends the answer with `done` `stopped`.
 *
 * The key carries the whole answerId, whose prefix the route has checked is the caller's
 * sub (I5): a user can only ever stop their own answers. The chat role's read grant on
 * the table is limited to `stop#` keys (infra/policies.ts).
 */
import { GetCommand, type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";

/** How often the answer step looks for a stop request: the most a stop can lag. */
export const STOP_CHECK_INTERVAL_MS = 1_000;
/** Markers outlive the longest answer step (the function's 300 s timeout) by a margin. */
export const STOP_MARKER_TTL_SECONDS = 15 * 60;
export const STOP_KEY_PREFIX = "stop#";

/** Pure: the marker's key for one answer. */
export function stopKey(answerId: string): string {
  return `${STOP_KEY_PREFIX}${answerId}`;
}

/** Pure: the request that records a stop for `answerId`; idempotent (a second stop rewrites the TTL). */
export function stopRequest(tableName: string, answerId: string, now: Date): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: { limitKey: stopKey(answerId) },
    UpdateExpression: "SET #ttl = :ttl",
    ExpressionAttributeNames: { "#ttl": "ttl" },
    ExpressionAttributeValues: { ":ttl": Math.floor(now.getTime() / 1000) + STOP_MARKER_TTL_SECONDS },
    ReturnValues: "NONE",
  };
}

export interface StopRequestStore {
  /** Records that the asker wants `answerId` stopped. */
  request(answerId: string, now: Date): Promise<void>;
  /** Whether a stop was recorded for `answerId`. */
  isRequested(answerId: string): Promise<boolean>;
}

export class StopRequests implements StopRequestStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async request(answerId: string, now: Date): Promise<void> {
    await this.documents.send(new UpdateCommand(stopRequest(this.tableName, answerId, now)));
  }

  async isRequested(answerId: string): Promise<boolean> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { limitKey: stopKey(answerId) }, ProjectionExpression: "limitKey" }),
    );
    return Item !== undefined;
  }
}

export interface StopWatch {
  /** Aborted once a stop request is seen: pass it to the InvokeAgent request. */
  readonly signal: AbortSignal;
  /** True once a stop request was seen. */
  stopped(): boolean;
  /** Ends the polling; call when the answer ends, however it ends. */
  dispose(): void;
}

export interface StopWatchTimers {
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (id: unknown) => void;
}

const defaultTimers: StopWatchTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (id) => clearInterval(id as NodeJS.Timeout),
};

/**
 * Polls the store for `answerId` every `intervalMs` (the first read after one interval, so
 * a short answer costs no read at all), one read at a time. A failed read is not a stop:
 * the answer goes on and the next tick reads again.
 */
export function watchForStop(
  store: Pick<StopRequestStore, "isRequested">,
  answerId: string,
  options: { intervalMs?: number; timers?: StopWatchTimers; onError?: (error: unknown) => void } = {},
): StopWatch {
  const timers = options.timers ?? defaultTimers;
  const controller = new AbortController();
  let seen = false;
  let reading = false;
  let disposed = false;
  const timer = timers.setInterval(() => {
    if (reading || seen || disposed) return;
    reading = true;
    store
      .isRequested(answerId)
      .then((requested) => {
        if (requested && !disposed) {
          seen = true;
          controller.abort();
          timers.clearInterval(timer);
        }
      })
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        reading = false;
      });
  }, options.intervalMs ?? STOP_CHECK_INTERVAL_MS);
  return {
    signal: controller.signal,
    stopped: () => seen,
    dispose() {
      disposed = true;
      timers.clearInterval(timer);
    },
  };
}
