/** Throttling backoff: exponential, jittered, capped. */
import { BACKOFF_CAP_MS, backoffDelayMs } from "../../../../lambdas/chat/retry";

describe("backoffDelayMs", () => {
  it("grows exponentially, stays within [ceiling/2, ceiling] and is capped", () => {
    expect(backoffDelayMs(1, 0)).toBe(200);
    expect(backoffDelayMs(1, 0.999)).toBeLessThanOrEqual(400);
    expect(backoffDelayMs(2, 0)).toBe(400);
    expect(backoffDelayMs(3, 0)).toBe(800);
    expect(backoffDelayMs(20, 0.999)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(backoffDelayMs(20, 0)).toBe(BACKOFF_CAP_MS / 2);
  });

  it("spreads retries with jitter", () => {
    expect(backoffDelayMs(2, 0.1)).not.toBe(backoffDelayMs(2, 0.9));
  });
});
