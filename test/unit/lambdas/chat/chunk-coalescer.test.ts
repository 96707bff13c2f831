/**
 * lambdas/chat/chunk-coalescer.ts: the first text one macrotask later (so a one-chunk
 * answer's end joins it), the rest flushed on size or after the interval, in order, never
 * overlapping, the unsent tail handed back for `done`; failures surface.
 */
import { ChunkCoalescer } from "../../../../lambdas/chat/chunk-coalescer";

jest.useFakeTimers();

function harness(options: { maxChars?: number; intervalMs?: number; post?: (text: string) => Promise<"sent" | "gone"> } = {}) {
  const posted: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const coalescer = new ChunkCoalescer({
    post:
      options.post ??
      (async (text) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await Promise.resolve();
        posted.push(text);
        inFlight -= 1;
        return "sent";
      }),
    maxChars: options.maxChars ?? 1000,
    intervalMs: options.intervalMs ?? 100,
    now: () => Date.now(),
  });
  return { coalescer, posted, maxInFlight: () => maxInFlight };
}

describe("ChunkCoalescer", () => {
  it("posts nothing for a one-chunk answer whose stream ended in the same turn: the whole text is handed back for done", async () => {
    const { coalescer, posted } = harness();
    coalescer.push("Your return window is 30 days.");
    expect(await coalescer.finish()).toEqual({ outcome: "sent", rest: "Your return window is 30 days." });
    await jest.advanceTimersByTimeAsync(1000);
    expect(posted).toEqual([]);
    expect(coalescer.messages).toBe(0);
  });

  it("sends the first text one macrotask later when the stream goes on, with what arrived in the same turn", async () => {
    const { coalescer, posted } = harness({ intervalMs: 100 });
    coalescer.push("Hello");
    coalescer.push(", ");
    expect(posted).toEqual([]);
    // The next macrotask, not the interval: time to first text is unchanged.
    await jest.advanceTimersByTimeAsync(0);
    expect(posted).toEqual(["Hello, "]);
  });

  it("hands back the text after the last flush for done instead of posting it", async () => {
    const { coalescer, posted } = harness();
    coalescer.push("Hello");
    await jest.advanceTimersByTimeAsync(0);
    for (const piece of [", ", "wor", "ld", "!"]) coalescer.push(piece);
    expect(await coalescer.finish()).toEqual({ outcome: "sent", rest: ", world!" });
    expect(posted).toEqual(["Hello"]);
    expect(coalescer.messages).toBe(1);
  });

  it("waits for a post in flight before handing back the rest (posts and done stay in order)", async () => {
    let release: () => void = () => undefined;
    const posted: string[] = [];
    const { coalescer } = harness({
      post: async (text) => {
        await new Promise<void>((r) => (release = r));
        posted.push(text);
        return "sent";
      },
    });
    coalescer.push("a");
    await jest.advanceTimersByTimeAsync(0);
    coalescer.push("b");
    let finished = false;
    const ending = coalescer.finish().then((f) => ((finished = true), f));
    await jest.advanceTimersByTimeAsync(0);
    expect(finished).toBe(false);
    release();
    expect(await ending).toEqual({ outcome: "sent", rest: "b" });
    expect(posted).toEqual(["a"]);
  });

  it("flushes after the interval even when no more text arrives", async () => {
    const { coalescer, posted } = harness({ intervalMs: 100 });
    coalescer.push("a");
    await jest.advanceTimersByTimeAsync(0);
    coalescer.push("b");
    await jest.advanceTimersByTimeAsync(99);
    expect(posted).toEqual(["a"]);
    await jest.advanceTimersByTimeAsync(1);
    expect(posted).toEqual(["a", "b"]);
  });

  it("sends at most 2 + floor(duration / interval) messages, done included, for a steady stream", async () => {
    const { coalescer, posted } = harness({ intervalMs: 100 });
    // 170 pieces 15 ms apart: 2.55 s of answer.
    for (let i = 0; i < 170; i++) {
      coalescer.push(`p${i} `);
      await jest.advanceTimersByTimeAsync(15);
    }
    const { rest } = await coalescer.finish();
    expect(posted.join("") + rest).toBe(Array.from({ length: 170 }, (_, i) => `p${i} `).join(""));
    expect(posted.length + 1).toBeLessThanOrEqual(2 + Math.floor((170 * 15) / 100));
    expect(posted.length).toBeGreaterThan(10);
  });

  it("flushes when the buffer reaches maxChars, the first text too, so done's rest stays under it", async () => {
    const { coalescer, posted } = harness({ maxChars: 10 });
    coalescer.push("0123456789");
    // Before the next macrotask: the size alone flushed it.
    await Promise.resolve();
    await Promise.resolve();
    expect(posted).toEqual(["0123456789"]);
    coalescer.push("abcde");
    coalescer.push("fghij");
    await jest.advanceTimersByTimeAsync(1);
    expect(posted).toEqual(["0123456789", "abcdefghij"]);
    coalescer.push("123456789");
    const { rest } = await coalescer.finish();
    expect(rest).toBe("123456789");
    expect(rest.length).toBeLessThan(10);
  });

  it("never has two posts in flight and keeps the order", async () => {
    const { coalescer, posted, maxInFlight } = harness({ maxChars: 1 });
    for (const piece of ["a", "b", "c", "d"]) coalescer.push(piece);
    expect(await coalescer.finish()).toEqual({ outcome: "sent", rest: "" });
    expect(posted).toEqual(["a", "b", "c", "d"]);
    expect(maxInFlight()).toBe(1);
  });

  it("reports gone, sends nothing more and hands back no text once the connection is gone", async () => {
    const post = jest.fn(async () => "gone" as const);
    const { coalescer } = harness({ post, maxChars: 1 });
    coalescer.push("a");
    await jest.advanceTimersByTimeAsync(1);
    expect(coalescer.push("b")).toBe("gone");
    expect(await coalescer.finish()).toEqual({ outcome: "gone", rest: "" });
    expect(post).toHaveBeenCalledTimes(1);
  });

  it("surfaces a failed post to the caller instead of an unhandled rejection", async () => {
    const { coalescer } = harness({ post: async () => Promise.reject(new Error("InternalServerError")) });
    coalescer.push("a");
    await jest.advanceTimersByTimeAsync(1);
    expect(() => coalescer.push("b")).toThrow("InternalServerError");
    await expect(coalescer.finish()).rejects.toThrow("InternalServerError");
  });

  it("drain sends what arrived as a chunk, in order, and never throws (before an error event)", async () => {
    const { coalescer, posted } = harness();
    coalescer.push("a");
    coalescer.push("b");
    await coalescer.drain();
    expect(posted).toEqual(["ab"]);
  });

  it("cancel drops the text and the pending first flush", async () => {
    const { coalescer, posted } = harness();
    coalescer.push("a");
    coalescer.cancel();
    await jest.advanceTimersByTimeAsync(1000);
    expect(posted).toEqual([]);
  });
});
