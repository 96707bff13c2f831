import { backoffDelay, RECONNECT_BACKOFF } from "../../../../web/js/backoff.js";

describe("backoffDelay", () => {
  const low = { random: () => 0 };
  const high = { random: () => 0.999999 };

  it("doubles from 500 ms and caps at 30 s", () => {
    const lows = [0, 1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffDelay(n, low));
    expect(lows).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(backoffDelay(0, high)).toBe(499);
    expect(backoffDelay(7, high)).toBe(RECONNECT_BACKOFF.maxMs - 1);
    expect(backoffDelay(1000, high)).toBe(RECONNECT_BACKOFF.maxMs - 1);
  });

  it("spreads retries: always at least half the cap, never the cap itself", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const cap = Math.min(30_000, 500 * 2 ** attempt);
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
