/**
 * One WebSocket to the chat API, kept alive for as long as the user is signed in.
 *
 * The ID token travels as the second offered subprotocol (`[protocol, idToken]`), never
 * in the URL, so it stays out of access logs and history. API Gateway only checks the
 * token at `$connect` and drops every connection after 2 hours (10 minutes if idle), so
 * this module pings every 5 minutes, renews the connection with a fresh token before
 * the 2-hour limit when no answer is streaming, and after any drop reconnects with
 * exponential backoff and jitter (capped at 10 s; `onRetryScheduled` tells the page how
 * long, and `retryNow` skips the wait), presenting a freshly refreshed token.
 *
 * The state tells the truth: a ping left unanswered past its deadline (liveness.js)
 * drops the socket as dead and reconnects; while the browser says it is offline the
 * state is "offline", nothing is retried, and coming back online reconnects at once.
 */
import { backoffDelay } from "./backoff.js";
import { isPong } from "./events.js";
import { createLiveness, KEEP_ALIVE_MS } from "./liveness.js";
import { MAX_CONNECTION_MS } from "./protocol-limits.js";

export { MAX_CONNECTION_MS };

/** @typedef {"connecting" | "connected" | "reconnecting" | "offline" | "disconnected"} ConnectionState */
/**
 * What the connection needs of a WebSocket (the browser's, or a test double).
 * @typedef {object} SocketLike
 * @property {number} readyState
 * @property {(data: string) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {((event?: unknown) => void) | null} onopen
 * @property {((event: { data: unknown }) => void) | null} onmessage
 * @property {((event?: unknown) => void) | null} onerror
 * @property {((event?: unknown) => void) | null} onclose
 */
/**
 * @typedef {object} ConnectionTimers
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(id: unknown) => void} clearTimeout
 * @property {(fn: () => void, ms: number) => unknown} setInterval
 * @property {(id: unknown) => void} clearInterval
 */
/**
 * @typedef {object} Connection
 * @property {ConnectionState} state
 * @property {() => void} start
 * @property {() => void} stop
 * @property {() => boolean} retryNow
 * @property {() => void} renew
 * @property {(message: unknown) => boolean} send
 * @property {() => void} checkLiveness ping now with a deadline (the tab became visible again)
 * @property {(online: boolean) => void} setOnline the browser's offline/online events
 */
/**
 * @typedef {object} ConnectionOptions
 * @property {string} url
 * @property {string} protocol
 * @property {(options: { forceRefresh: boolean }) => Promise<string>} getToken
 * @property {new (url: string, protocols: string[]) => SocketLike} [WebSocketImpl]
 * @property {ConnectionTimers} [timers]
 * @property {() => number} [random]
 * @property {(state: ConnectionState) => void} [onState]
 * @property {(data: unknown) => void} [onMessage]
 * @property {() => void} [onDrop]
 * @property {(error: Error) => void} [onAuthLost]
 * @property {(delayMs: number) => void} [onRetryScheduled]
 * @property {() => boolean} [canRenew]
 * @property {() => boolean} [awaitingReply] true while an answer is unfinished (liveness.js)
 * @property {() => number} [now]
 * @property {number} [pingIntervalMs]
 * @property {number} [quietMs]
 * @property {number} [pongDeadlineMs]
 * @property {number} [maxConnectionMs]
 * @property {number} [renewBeforeLimitMs]
 */

/** @type {readonly ConnectionState[]} */
export const CONNECTION_STATES = Object.freeze(/** @type {ConnectionState[]} */ (["connecting", "connected", "reconnecting", "offline", "disconnected"]));
export const PING_INTERVAL_MS = KEEP_ALIVE_MS;
export const RENEW_BEFORE_LIMIT_MS = 5 * 60_000;
/** While answers stream, wait this long before asking again whether the renewal can happen. */
export const RENEW_RECHECK_MS = 15_000;
/** After this many handshakes fail in a row, ask for a refreshed token: the old one may be refused. */
export const FORCE_REFRESH_AFTER_FAILURES = 2;

const OPEN = 1;
/** @type {ConnectionTimers} */
const defaultTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(/** @type {number} */ (id)),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (id) => clearInterval(/** @type {number} */ (id)),
};

/**
 * @param {ConnectionOptions} options
 * @returns {Connection}
 */
export function createConnection({
  url,
  protocol,
  getToken,
  WebSocketImpl = /** @type {new (url: string, protocols: string[]) => SocketLike} */ (globalThis.WebSocket),
  timers = defaultTimers,
  random = Math.random,
  onState = () => {},
  onMessage = () => {},
  onDrop = () => {},
  onAuthLost = () => {},
  onRetryScheduled = () => {},
  canRenew = () => true,
  awaitingReply = () => false,
  now = () => Date.now(),
  pingIntervalMs = PING_INTERVAL_MS,
  quietMs,
  pongDeadlineMs,
  maxConnectionMs = MAX_CONNECTION_MS,
  renewBeforeLimitMs = RENEW_BEFORE_LIMIT_MS,
}) {
  /** @type {ConnectionState} */
  let state = "disconnected";
  /** @type {SocketLike | null} */
  let socket = null;
  let stopped = true;
  let attempt = 0;
  let failedHandshakes = 0;
  let forceRefresh = false;
  /** @type {unknown} */
  let retryTimer = null;
  /** @type {unknown} */
  let renewTimer = null;
  let generation = 0;
  let offline = false;
  const liveness = createLiveness({
    sendPing: () => send({ action: "ping" }),
    onDead: () => {
      // The socket may stay "open" for minutes on a dead path: let go of it now.
      if (socket) lose(socket, true, "no reply to ping");
    },
    timers,
    now,
    awaitingReply,
    keepAliveMs: pingIntervalMs,
    quietMs,
    pongDeadlineMs,
  });

  /** @param {ConnectionState} next */
  const setState = (next) => {
    if (next === state) return;
    state = next;
    onState(next);
  };

  function clearConnectionTimers() {
    liveness.stop();
    if (renewTimer !== null) timers.clearTimeout(renewTimer);
    renewTimer = null;
  }

  function clearRetry() {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  function scheduleRetry() {
    if (offline) {
      // Nothing can work until the browser is back online; setOnline(true) reconnects.
      clearRetry();
      setState("offline");
      return;
    }
    setState("reconnecting");
    clearRetry();
    const delay = backoffDelay(attempt++, { random });
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      open("reconnecting");
    }, delay);
    onRetryScheduled(delay);
  }

  /** @param {number} delay */
  function scheduleRenew(delay) {
    renewTimer = timers.setTimeout(() => {
      renewTimer = null;
      if (canRenew()) renew();
      else scheduleRenew(RENEW_RECHECK_MS);
    }, delay);
  }

  /** @param {"connecting" | "reconnecting"} shownState */
  async function open(shownState) {
    const mine = ++generation;
    setState(shownState);
    /** @type {string} */
    let token;
    try {
      token = await getToken({ forceRefresh: forceRefresh || failedHandshakes >= FORCE_REFRESH_AFTER_FAILURES });
    } catch (error) {
      if (stopped || mine !== generation) return;
      const code = error instanceof Error ? /** @type {{ code?: unknown }} */ (error).code : undefined;
      if (error instanceof Error && (code === "signed_out" || code === "expired" || code === "revoked")) {
        stopped = true;
        setState("disconnected");
        onAuthLost(error);
      } else {
        scheduleRetry();
      }
      return;
    }
    if (stopped || mine !== generation) return;
    forceRefresh = false;
    /** @type {SocketLike} */
    let ws;
    try {
      ws = new WebSocketImpl(url, [protocol, token]);
    } catch {
      // A malformed URL cannot get better by retrying.
      stopped = true;
      setState("disconnected");
      return;
    }
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      if (ws !== socket) return;
      opened = true;
      attempt = 0;
      failedHandshakes = 0;
      setState("connected");
      liveness.start();
      scheduleRenew(Math.max(0, maxConnectionMs - renewBeforeLimitMs));
    };
    ws.onmessage = (event) => {
      if (ws !== socket) return;
      liveness.heard(isPong(event.data));
      onMessage(event.data);
    };
    ws.onerror = () => {
      // A close event always follows; it decides what happens next.
    };
    ws.onclose = () => {
      if (ws === socket) lose(ws, opened);
    };
  }

  /**
   * The socket is gone (closed, or given up on as dead): drop it, fail what it carried,
   * and decide what comes next.
   * @param {SocketLike} ws
   * @param {boolean} opened
   * @param {string} [closeReason] set when the page itself lets go of a socket still open
   */
  function lose(ws, opened, closeReason) {
    socket = null;
    clearConnectionTimers();
    if (closeReason !== undefined) {
      try {
        ws.close(4000, closeReason);
      } catch {
        /* already closing */
      }
    }
    if (opened) onDrop();
    if (stopped) {
      setState("disconnected");
      return;
    }
    if (!opened) failedHandshakes++;
    if (renewing && !offline) {
      renewing = false;
      open("reconnecting");
      return;
    }
    renewing = false;
    scheduleRetry();
  }

  let renewing = false;

  /** @param {unknown} message */
  function send(message) {
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Reconnect now with a refreshed token (the 2-hour limit, or the server said the token expired). */
  function renew() {
    if (stopped) return;
    forceRefresh = true;
    if (socket) {
      renewing = true;
      socket.close(1000, "renew");
    } else {
      clearRetry();
      open("reconnecting");
    }
  }

  return {
    get state() {
      return state;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      failedHandshakes = 0;
      open("connecting");
    },
    /** Close for good (sign-out). */
    stop() {
      stopped = true;
      generation++;
      clearRetry();
      clearConnectionTimers();
      const ws = socket;
      socket = null;
      if (ws) ws.close(1000, "signed out");
      setState("disconnected");
    },
    /**
     * Skip the backoff wait (the browser came back online, or the user pressed "Retry
     * now"), and start the backoff over: whoever asked expects the service to be back.
     * True when an attempt started; false when none was waiting (connected, or one is
     * already under way).
     */
    retryNow() {
      if (stopped || socket || retryTimer === null) return false;
      clearRetry();
      attempt = 0;
      open("reconnecting");
      return true;
    },
    renew,
    send,
    checkLiveness: () => liveness.check(),
    setOnline(online) {
      if (online === !offline) return;
      offline = !online;
      if (stopped) return;
      if (offline) {
        // A socket cannot outlive the network; waiting for its close could take minutes.
        if (socket) lose(socket, socket.readyState === OPEN, "offline");
        else {
          generation++; // a handshake under way would only fail
          scheduleRetry();
        }
      } else if (!socket) {
        clearRetry();
        attempt = 0;
        open("reconnecting");
      }
    },
  };
}
