/**
 * lambdas/chat/chunk-coalescer.ts: the first text at once, the rest flushed on size or
 * after the interval, in order, never overlapping; failures surface.
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
  it("sends the first text at once and the rest as one message at the end", async () => {
    const { coalescer, posted } = harness();
    coalescer.push("Hello");
    for (const piece of [", ", "wor", "ld", "!"]) coalescer.push(piece);
    await Promise.resolve();
    await Promise.resolve();
    expect(posted).toEqual(["Hello"]);
    expect(await coalescer.end()).toBe("sent");
    expect(posted).toEqual(["Hello", ", world!"]);
    expect(coalescer.messages).toBe(2);
  });

  it("flushes after the interval even when no more text arrives", async () => {
    const { coalescer, posted } = harness({ intervalMs: 100 });
    coalescer.push("a");
    coalescer.push("b");
    await jest.advanceTimersByTimeAsync(99);
    expect(posted).toEqual(["a"]);
    await jest.advanceTimersByTimeAsync(1);
    expect(posted).toEqual(["a", "b"]);
  });

  it("sends at most one message per interval for a steady stream (1 + ceil(duration / interval))", async () => {
    const { coalescer, posted } = harness({ intervalMs: 100 });
    // 170 pieces 15 ms apart: 2.55 s of answer.
    for (let i = 0; i < 170; i++) {
      coalescer.push(`p${i} `);
      await jest.advanceTimersByTimeAsync(15);
    }
    await coalescer.end();
    expect(posted.join("")).toBe(Array.from({ length: 170 }, (_, i) => `p${i} `).join(""));
    expect(posted.length).toBeLessThanOrEqual(1 + Math.ceil((170 * 15) / 100));
    expect(posted.length).toBeGreaterThan(10);
  });

  it("flushes when the buffer reaches maxChars", async () => {
    const { coalescer, posted } = harness({ maxChars: 10 });
    coalescer.push("first");
    coalescer.push("0123456789");
    // Well before the interval: the size alone flushed it.
    await jest.advanceTimersByTimeAsync(1);
    expect(posted).toEqual(["first", "0123456789"]);
  });

  it("never has two posts in flight and keeps the order", async () => {
    const { coalescer, posted, maxInFlight } = harness({ maxChars: 1 });
    for (const piece of ["a", "b", "c", "d"]) coalescer.push(piece);
    await coalescer.end();
    expect(posted).toEqual(["a", "b", "c", "d"]);
    expect(maxInFlight()).toBe(1);
  });

  it("reports gone and sends nothing more once the connection is gone", async () => {
    const post = jest.fn(async () => "gone" as const);
    const { coalescer } = harness({ post, maxChars: 1 });
    coalescer.push("a");
    await jest.advanceTimersByTimeAsync(1);
    expect(coalescer.push("b")).toBe("gone");
    expect(await coalescer.end()).toBe("gone");
    expect(post).toHaveBeenCalledTimes(1);
  });

  it("surfaces a failed post to the caller instead of an unhandled rejection", async () => {
    const { coalescer } = harness({ post: async () => Promise.reject(new Error("InternalServerError")) });
    coalescer.push("a");
    await jest.advanceTimersByTimeAsync(1);
    expect(() => coalescer.push("b")).toThrow("InternalServerError");
    await expect(coalescer.end()).rejects.toThrow("InternalServerError");
  });

  it("drain sends what arrived, in order, and never throws", async () => {
    const { coalescer, posted } = harness();
    coalescer.push("a");
    coalescer.push("b");
    await coalescer.drain();
    expect(posted).toEqual(["a", "b"]);
  });
});
