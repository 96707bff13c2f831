/**
 * In-band renewal (docs/architecture.md §Protocol, `renew`): API Gateway checks the ID
 * token only at `$connect`, and the server stops serving a connection once that token
 * expires. Whenever the session refreshes its tokens (before the ID token expires), the
 * fresh ID token goes to the open connection in a `renew` frame, so a long conversation
 * never drops. The frame is sent only over the WebSocket; the token is never logged.
 *
 * The server's reply decides what happens next (I2, I17):
 * - `renewed`: the connection is served until the fresh token's expiry; nothing to do;
 * - `error` `session_ended` or `forbidden` (the user was offboarded or signed out, or the
 *   token was refused; the server closes the connection): the session has ended, so the
 *   page signs out instead of reconnecting with tokens the server no longer honours;
 * - `error` `token_expired`: the chat already reconnects with a fresh token;
 * - no reply within RENEWAL_REPLY_TIMEOUT_MS: the connection was not extended, so the
 *   page reconnects with the fresh token now rather than at the old token's expiry.
 *
 * `session_ended` in reply to anything else (an `ask` refused because the user was
 * offboarded after the token was issued, I17) ends the session the same way: the token
 * the page holds will never be served again.
 */

/** @typedef {import("./session.js").Session} Session */

/** How long the page waits for the reply to a `renew` frame (the liveness check's deadline). */
export const RENEWAL_REPLY_TIMEOUT_MS = 10_000;

/** Refusals of a renewal that end the session. */
const ENDING_CODES = new Set(["session_ended", "forbidden"]);

/**
 * Pure: the client frame that renews the connection's authorization.
 * @param {string} idToken
 */
export function renewFrame(idToken) {
  return { action: "renew", token: idToken };
}

/**
 * @typedef {{ kind: "renewed", expiresAt: number }
 *   | { kind: "ended", code: string }
 *   | { kind: "expired" }} RenewalReply
 */

/**
 * Pure: what a server frame says about a pending renewal, or null when it is not a reply
 * to one (replies to `renew` carry no answerId).
 * @param {unknown} data
 * @returns {RenewalReply | null}
 */
export function renewalReply(data) {
  if (typeof data !== "string") return null;
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const event = /** @type {Record<string, unknown>} */ (parsed);
  if (event.type === "renewed") return typeof event.expiresAt === "number" ? { kind: "renewed", expiresAt: event.expiresAt } : null;
  if (event.type !== "error" || event.answerId !== undefined || typeof event.code !== "string") return null;
  if (ENDING_CODES.has(event.code)) return { kind: "ended", code: event.code };
  return event.code === "token_expired" ? { kind: "expired" } : null;
}

/**
 * Pure: whether a server frame says the user's session has ended (`error`
 * `session_ended`, with or without an answerId).
 * @param {unknown} data
 */
export function endsSession(data) {
  if (typeof data !== "string" || !data.includes("session_ended")) return false;
  try {
    const event = JSON.parse(data);
    return typeof event === "object" && event !== null && event.type === "error" && event.code === "session_ended";
  } catch {
    return false;
  }
}

/**
 * @typedef {object} RenewalTimers
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(id: unknown) => void} clearTimeout
 */

/**
 * @typedef {object} Renewal
 * @property {(data: unknown) => void} handleFrame every server frame; acts on the reply to a pending renewal, and on `session_ended`
 * @property {() => void} connectionChanged the connection closed or reopened: a pending renewal is moot (a new connection opens with the fresh token)
 * @property {() => void} stop
 */

/**
 * Sends a `renew` frame after every token refresh and acts on the server's reply. When no
 * connection is open the frame is not sent: the next connection opens with the fresh
 * token anyway.
 * @param {{
 *   session: Pick<Session, "onChange" | "getIdToken">,
 *   send: (message: unknown) => boolean,
 *   onEnded: (code: string) => void,
 *   onUnanswered: () => void,
 *   timers?: RenewalTimers,
 *   replyTimeoutMs?: number,
 * }} options
 * @returns {Renewal}
 */
export function createRenewal({
  session,
  send,
  onEnded,
  onUnanswered,
  timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(/** @type {number} */ (id)) },
  replyTimeoutMs = RENEWAL_REPLY_TIMEOUT_MS,
}) {
  /** @type {unknown} */
  let pending = null;

  function settle() {
    if (pending === null) return false;
    timers.clearTimeout(pending);
    pending = null;
    return true;
  }

  const unsubscribe = session.onChange((user, reason) => {
    if (!user) {
      settle();
      return;
    }
    if (reason !== "refreshed") return;
    session.getIdToken().then(
      (idToken) => {
        if (!send(renewFrame(idToken))) return;
        settle();
        pending = timers.setTimeout(() => {
          pending = null;
          onUnanswered();
        }, replyTimeoutMs);
      },
      () => {
        // Signed out meanwhile: the session has already told the page.
      },
    );
  });

  return {
    handleFrame(data) {
      if (endsSession(data)) {
        settle();
        onEnded("session_ended");
        return;
      }
      if (pending === null) return;
      const reply = renewalReply(data);
      if (reply === null) return;
      settle();
      if (reply.kind === "ended") onEnded(reply.code);
    },
    connectionChanged() {
      settle();
    },
    stop() {
      settle();
      unsubscribe();
    },
  };
}
