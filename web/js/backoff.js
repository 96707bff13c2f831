/** Reconnect schedule: exponential backoff with jitter so many clients do not retry in step. */

/**
 * The cap is 10 s: long enough that thousands of clients of a recovering API spread out,
 * short enough that a user whose stack came back (a local restart, a network blip) is
 * not left waiting half a minute; the page also offers "Retry now".
 */
export const RECONNECT_BACKOFF = Object.freeze({ baseMs: 500, maxMs: 10_000 });

/**
 * Delay before reconnect attempt `attempt` (0 = first retry): the cap doubles from
 * `baseMs` up to `maxMs`, and the delay is drawn from [cap/2, cap) ("equal jitter"),
 * so there is always some pause but never a thundering herd.
 * @param {number} attempt
 * @param {{ baseMs?: number, maxMs?: number, random?: () => number }} [options]
 * @returns {number}
 */
export function backoffDelay(attempt, { baseMs = RECONNECT_BACKOFF.baseMs, maxMs = RECONNECT_BACKOFF.maxMs, random = Math.random } = {}) {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(n, 30));
  return Math.floor(cap / 2 + random() * (cap / 2));
}
