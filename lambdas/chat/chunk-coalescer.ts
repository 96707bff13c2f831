/**
 * Coalesces the agent's text into few `chunk` events, so an answer does not pay one
 * PostToConnection (and one WebSocket message on the user's side) per model token:
 *
 * - the first text goes out at once: one macrotask later (`setImmediate`), so that text
 *   arriving in the same turn of the event loop, and the end of a one-chunk answer, join it;
 * - after that, text is buffered and flushed when the buffer reaches `maxChars` or
 *   `intervalMs` after the previous flush, whichever comes first;
 * - at the end, what is still buffered is not flushed: `finish()` hands it back for the
 *   answer's `done` to carry (`text`), so a one-line answer whose stream ended before its
 *   first flush costs one message (`done`), not two (`chunk`, `done`).
 *
 * So an answer of duration D costs at most 2 + floor(D / intervalMs) messages, `done`
 * included (plus size flushes, which only very long answers reach), and one when its
 * stream ended before the first flush. Sends are strictly ordered (one chain) and never
 * overlap, and the agent's stream is never blocked by a send in flight: text keeps
 * arriving into the buffer meanwhile.
 */

export type FlushOutcome = "sent" | "gone";

/** How the coalesced text ended: the outcome of its sends, and the text not yet sent (for `done`). */
export interface Finished {
  outcome: FlushOutcome;
  /** The buffered text no `chunk` carried; "" when nothing is left or the connection is gone. */
  rest: string;
}

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
 * event stays under API Gateway's 128 KB PostToConnection limit; the rest `done` carries is
 * always shorter (the buffer is flushed as a chunk once it reaches the limit).
 */
export const COALESCE_INTERVAL_MS = 100;
export const COALESCE_MAX_CHARS = 16_384;

export class ChunkCoalescer {
  private buffer = "";
  private sentAny = false;
  private lastFlushAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
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
    if (this.buffer.length >= this.o.maxChars) {
      this.flush();
    } else if (!this.sentAny) {
      // The first text: out after this macrotask, not later (time to first text).
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
    } else if (now - this.lastFlushAt >= this.o.intervalMs) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.lastFlushAt + this.o.intervalMs - now);
    }
    return this.outcome;
  }

  /**
   * The stream has ended: waits for every send and hands back what is still buffered,
   * unsent, for the answer's `done` to carry. Throws the first send's failure.
   */
  async finish(): Promise<Finished> {
    this.stopTimers();
    await this.chain;
    this.rethrow();
    const rest = this.outcome === "sent" ? this.buffer : "";
    this.buffer = "";
    return { outcome: this.outcome, rest };
  }

  /**
   * After the agent's stream failed: sends what was already received (the user keeps the
   * text that preceded the error, in order) and waits; never throws.
   */
  async drain(): Promise<void> {
    this.flush();
    await this.chain;
  }

  /** Stops the timers; whatever is buffered is dropped (the answer is being abandoned). */
  cancel(): void {
    this.stopTimers();
    this.buffer = "";
  }

  private stopTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }

  private flush(): void {
    this.stopTimers();
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
