/**
 * Backoff for agent throttling: exponential with "equal jitter" (half fixed, half
 * random), so concurrent answers throttled together do not retry in lockstep, yet no
 * retry comes instantly. Pure.
 */
export const MAX_AGENT_ATTEMPTS = 3;
export const BACKOFF_BASE_MS = 400;
export const BACKOFF_CAP_MS = 4000;

/** Delay before retry number `retry` (1 = the first retry); `random` in [0, 1). */
export function backoffDelayMs(retry: number, random: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  const jitter = Math.min(Math.max(random, 0), 1);
  return Math.round(ceiling / 2 + (jitter * ceiling) / 2);
}
