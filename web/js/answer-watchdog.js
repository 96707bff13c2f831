/**
 * The page's own timeout for answers: an unfinished answer that receives no event for
 * `silenceMs` is given up on (chat.js ends it with the client-side code `no_reply`, sends
 * a best-effort `stop` and offers Retry), so a question never hangs forever. Every event
 * of an answer re-arms its timer. An answer step that dies (a crash, or Lambda's 300 s
 * timeout, infra/function-settings.ts) can send no error, and a lost frame is never
 * resent, so without this the page would wait forever (docs/architecture.md §Protocol).
 */

/**
 * @typedef {object} WatchdogTimers
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(id: unknown) => void} clearTimeout
 */
/**
 * @typedef {object} AnswerWatchdog
 * @property {(answerId: string) => void} arm start or restart the answer's timer
 * @property {(answerId: string) => void} disarm the answer ended
 * @property {() => void} disarmAll
 */

export const ANSWER_SILENCE_MS = 45_000;

/** @type {WatchdogTimers} */
const defaultTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(/** @type {number} */ (id)),
};

/**
 * @param {{ onSilent: (answerId: string) => void, timers?: WatchdogTimers, silenceMs?: number }} options
 * @returns {AnswerWatchdog}
 */
export function createAnswerWatchdog({ onSilent, timers = defaultTimers, silenceMs = ANSWER_SILENCE_MS }) {
  /** @type {Map<string, unknown>} */
  const armed = new Map();

  /** @param {string} answerId */
  function disarm(answerId) {
    const id = armed.get(answerId);
    if (id !== undefined) timers.clearTimeout(id);
    armed.delete(answerId);
  }

  return {
    arm(answerId) {
      disarm(answerId);
      armed.set(
        answerId,
        timers.setTimeout(() => {
          armed.delete(answerId);
          onSilent(answerId);
        }, silenceMs),
      );
    },
    disarm,
    disarmAll() {
      for (const answerId of [...armed.keys()]) disarm(answerId);
    },
  };
}
