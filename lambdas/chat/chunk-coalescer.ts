/**
 * Coalesces the agent's text into few `chunk` events, so an answer does not pay one
 * PostToConnection (and one WebSocket message on the user's side) per model token:
 *
 * - the first text goes out at once (time to first text is what the user feels);
 * - after that, text is buffered and flushed when the buffer reaches `maxChars` or
 *   `intervalMs` after the previous flush, whichever comes first, and at the end.
 *
 * So an answer of duration D costs at most 1 + ceil(D / intervalMs) chunk messages (plus
 * size flushes, which only very long answers reach), and `done` follows the last one.
 * Sends are strictly ordered (one chain) and never overlap, and the agent's stream is
 * never blocked by a send in flight: text keeps arriving into the buffer meanwhile.
 */

export type FlushOutcome = "sent" | "gone";

export interface ChunkCoalescerOptions {
  /** Posts one chunk of text; "gone" when the connection has disappeared. Rejects on other failures. */
  post(text: string): Promise<"sent" | "gone">;
  /** Flush when this many UTF-16 units are buffered. */
  maxChars: number;
  /** Flush at most this long after the previous flush. */
  intervalMs: number;
  now(): number;
}

/**
 * 100 ms: below what a reader notices as stutter, and ten messages a second at most.
 * 16,384 UTF-16 units: even if every one were JSON-escaped to six bytes (`\u0000`), the
 * event stays under API Gateway's 128 KB PostToConnection limit.
 */
export const COALESCE_INTERVAL_MS = 100;
export const COALESCE_MAX_CHARS = 16_384;

export class ChunkCoalescer {
  private buffer = "";
  private sentAny = false;
  private lastFlushAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private outcome: FlushOutcome = "sent";
  private failure: { error: unknown } | undefined;
  /** Chunk events posted so far. */
  messages = 0;

  constructor(private readonly o: ChunkCoalescerOptions) {}

  /**
   * Adds text. Returns "sent" while the answer may go on, else why it must stop; throws the
   * failure of an earlier send (the caller turns it into the answer's error event).
   */
  push(text: string): FlushOutcome {
    this.rethrow();
    if (this.outcome !== "sent" || text.length === 0) return this.outcome;
    this.buffer += text;
    const now = this.o.now();
    if (!this.sentAny || this.buffer.length >= this.o.maxChars || now - this.lastFlushAt >= this.o.intervalMs) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.lastFlushAt + this.o.intervalMs - now);
    }
    return this.outcome;
  }

  /** Flushes what is left and waits for every send; the final outcome, or the first send's failure thrown. */
  async end(): Promise<FlushOutcome> {
    this.flush();
    await this.chain;
    this.rethrow();
    return this.outcome;
  }

  /**
   * After the agent's stream failed: sends what was already received (the user keeps the
   * text that preceded the error, in order) and waits; never throws.
   */
  async drain(): Promise<void> {
    this.flush();
    await this.chain;
  }

  /** Stops the timer; whatever is buffered is dropped (the answer is being abandoned). */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = "";
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }

  private flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0 || this.outcome !== "sent") return;
    const text = this.buffer;
    this.buffer = "";
    this.sentAny = true;
    this.lastFlushAt = this.o.now();
    this.chain = this.chain.then(async () => {
      if (this.outcome !== "sent" || this.failure) return;
      try {
        const posted = await this.o.post(text);
        this.messages += 1;
        if (posted !== "sent") {
          this.outcome = posted;
          this.cancel();
        }
      } catch (error) {
        // Kept, not rejected: a rejection nobody awaits yet would crash the environment.
        this.failure = { error };
        this.cancel();
      }
    });
  }
}
