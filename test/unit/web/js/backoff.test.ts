import { backoffDelay, RECONNECT_BACKOFF } from "../../../../web/js/backoff.js";

describe("backoffDelay", () => {
  const low = { random: () => 0 };
  const high = { random: () => 0.999999 };

  it("doubles from 500 ms and caps at 10 s", () => {
    expect(RECONNECT_BACKOFF.maxMs).toBe(10_000);
    const lows = [0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, low));
    expect(lows).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(backoffDelay(0, high)).toBe(499);
    expect(backoffDelay(5, high)).toBe(RECONNECT_BACKOFF.maxMs - 1);
    expect(backoffDelay(1000, high)).toBe(RECONNECT_BACKOFF.maxMs - 1);
  });

  it("never waits 10 s or more, and reaches the cap within 20 s of trying", () => {
    const worst = Array.from({ length: 8 }, (_, n) => backoffDelay(n, high));
    expect(Math.max(...worst)).toBeLessThan(10_000);
    // Attempts 0-4 (0.5 + 1 + 2 + 4 + 8 s at most) come before the first capped wait.
    expect(worst.slice(0, 5).reduce((a, b) => a + b, 0)).toBeLessThan(16_000);
  });

  it("spreads retries: always at least half the cap, never the cap itself", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const cap = Math.min(10_000, 500 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt);
        expect(d).toBeGreaterThanOrEqual(cap / 2);
        expect(d).toBeLessThan(cap);
      }
    }
    const spread = new Set(Array.from({ length: 20 }, () => backoffDelay(6)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it("treats a negative or non-numeric attempt as the first", () => {
    expect(backoffDelay(-3, low)).toBe(250);
    expect(backoffDelay(Number.NaN, low)).toBe(250);
  });

  it("honours custom base and cap", () => {
    expect(backoffDelay(3, { baseMs: 100, maxMs: 500, random: () => 0 })).toBe(250);
  });
});
