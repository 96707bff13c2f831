/**
 * Whether the open WebSocket still reaches the service. A socket can stay "open" in the
 * browser long after the path to API Gateway is gone (a sleeping laptop, a dead Wi-Fi, a
 * proxy that dropped the connection), so the page would say "connected" while nothing
 * arrives. This module sends a `ping` with a deadline: when neither the `pong` nor any
 * other frame arrives within `pongDeadlineMs`, the connection is declared dead
 * (`onDead`), and connection.js drops it and reconnects.
 *
 * Pings cost one Lambda invocation each on AWS, so they go out only when they tell
 * something: every `keepAliveMs` (5 minutes, under API Gateway's 10-minute idle limit),
 * when an answer is awaited and the socket has been quiet for `quietMs`, and when the
 * page asks (`check()`: the browser came back online, the tab became visible).
 */

/**
 * @typedef {object} LivenessTimers
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(id: unknown) => void} clearTimeout
 * @property {(fn: () => void, ms: number) => unknown} setInterval
 * @property {(id: unknown) => void} clearInterval
 */
/**
 * @typedef {object} LivenessOptions
 * @property {() => boolean} sendPing sends `{"action":"ping"}`; false when it could not
 * @property {() => void} onDead
 * @property {LivenessTimers} timers
 * @property {() => number} [now]
 * @property {() => boolean} [awaitingReply] true while an answer is unfinished
 * @property {number} [keepAliveMs]
 * @property {number} [quietMs]
 * @property {number} [pongDeadlineMs]
 */
/**
 * @typedef {object} Liveness
 * @property {() => void} start the socket just opened
 * @property {() => void} stop the socket is gone
 * @property {() => void} heard a frame arrived
 * @property {() => void} check ping now, unless a ping is already out
 */

export const KEEP_ALIVE_MS = 5 * 60_000;
/** An answer with no event for this long makes the page check that the socket is alive. */
export const QUIET_MS = 15_000;
/** A ping unanswered for this long means the socket is dead. */
export const PONG_DEADLINE_MS = 10_000;

/**
 * @param {LivenessOptions} options
 * @returns {Liveness}
 */
export function createLiveness({
  sendPing,
  onDead,
  timers,
  now = () => Date.now(),
  awaitingReply = () => false,
  keepAliveMs = KEEP_ALIVE_MS,
  quietMs = QUIET_MS,
  pongDeadlineMs = PONG_DEADLINE_MS,
}) {
  let running = false;
  let lastHeard = 0;
  /** @type {unknown} */
  let keepAliveTimer = null;
  /** @type {unknown} */
  let quietTimer = null;
  /** @type {unknown} */
  let deadline = null;

  function clearDeadline() {
    if (deadline !== null) timers.clearTimeout(deadline);
    deadline = null;
  }

  function check() {
    if (!running || deadline !== null) return;
    deadline = timers.setTimeout(() => {
      deadline = null;
      if (!running) return;
      running = false;
      stopTimers();
      onDead();
    }, pongDeadlineMs);
    // A ping that cannot even be sent is as good as unanswered: the deadline decides.
    sendPing();
  }

  function stopTimers() {
    if (keepAliveTimer !== null) timers.clearInterval(keepAliveTimer);
    if (quietTimer !== null) timers.clearInterval(quietTimer);
    keepAliveTimer = null;
    quietTimer = null;
    clearDeadline();
  }

  return {
    start() {
      stopTimers();
      running = true;
      lastHeard = now();
      keepAliveTimer = timers.setInterval(check, keepAliveMs);
      // Checked a few times per quiet period, so a quiet socket is pinged within 1.25 × quietMs.
      quietTimer = timers.setInterval(() => {
        if (awaitingReply() && now() - lastHeard >= quietMs) check();
      }, Math.max(1_000, Math.floor(quietMs / 4)));
    },
    stop() {
      running = false;
      stopTimers();
    },
    heard() {
      lastHeard = now();
      // Any frame proves the path works, not only the pong.
      clearDeadline();
    },
    check,
  };
}
