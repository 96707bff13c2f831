// Types for backoff.js.
export declare const RECONNECT_BACKOFF: Readonly<{ baseMs: number; maxMs: number }>;
export declare function backoffDelay(
  attempt: number,
  options?: { baseMs?: number; maxMs?: number; random?: () => number },
): number;
