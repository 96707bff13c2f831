/**
 * Whether the open WebSocket still reaches the service. A socket can stay "open" in the
 * browser long after the path to API Gateway is gone (a sleeping laptop, a dead Wi-Fi, a
 * proxy that dropped the connection), so the page would say "connected" while nothing
 * arrives. This module sends a `ping` with a deadline: when its `pong` does not arrive
 * within `pongDeadlineMs`, the connection is declared dead (`onDead`), and connection.js
 * drops it and reconnects. Only the `pong` answers the ping: every frame gets exactly one
 * reply, in order (docs/architecture.md I9), so the pong is the one frame the service sent
 * after it saw the ping; any other frame may have left before the ping arrived (a late
 * reply to an earlier frame, an answer's events) and proves nothing about the way there
 * (the page-to-service half of a path can die while the other half still delivers). The
 * page sends no other ping, so a pong is always this module's.
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
 * @property {(isPong: boolean) => void} heard a frame arrived (`isPong`: it was the `pong`)
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
    heard(isPong) {
      // Any frame shows the answer is moving (the quiet check); only the pong ends the ping.
      lastHeard = now();
      if (isPong) clearDeadline();
    },
    check,
  };
}
