/**
 * The signed-in session: Cognito tokens kept in memory and in sessionStorage (so a reload
 * keeps the user signed in, closing the tab does not), refreshed before the ID token
 * expires, and cleared on sign-out. Tokens never leave this module except to the
 * WebSocket handshake and Cognito; they are never logged or shown.
 */
import { CognitoError } from "./cognito.js";
import { identityFromIdToken } from "./jwt.js";

/** @typedef {import("./cognito.js").CognitoClient} CognitoClient */
/** @typedef {import("./cognito.js").Tokens} Tokens */
/** @typedef {import("./jwt.js").Identity} Identity */
/** @typedef {"signed_out" | "expired" | "revoked" | "no_challenge"} SessionErrorCode */
/**
 * @typedef {object} SessionUser
 * @property {string} username
 * @property {string} sub
 * @property {string} [tenantId]
 * @property {number} expiresAt epoch milliseconds
 */
/** @typedef {"signed_in" | "restored" | "refreshed" | "expired" | "revoked" | "signed_out" | "signed_out_elsewhere" | "session_ended"} ChangeReason */
/**
 * The part of Web Storage the page uses (sessionStorage, or a test double).
 * @typedef {object} StorageLike
 * @property {(key: string) => string | null} getItem
 * @property {(key: string, value: string) => void} setItem
 * @property {(key: string) => void} removeItem
 */
/**
 * @typedef {object} SessionTimers
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(id: unknown) => void} clearTimeout
 */
/**
 * @typedef {object} Session
 * @property {() => SessionUser | null} user
 * @property {() => boolean} needsNewPassword
 * @property {(listener: (user: SessionUser | null, reason: ChangeReason) => void) => () => void} onChange
 * @property {() => boolean} restore
 * @property {(username: string, password: string) => Promise<"signed_in" | "new_password_required">} signIn
 * @property {(newPassword: string) => Promise<"signed_in" | "new_password_required">} completeNewPassword
 * @property {(options?: { forceRefresh?: boolean }) => Promise<string>} getIdToken
 * @property {() => void} cancelNewPassword
 * @property {(reason?: "signed_out" | "signed_out_elsewhere" | "session_ended") => void} signOut
 */
/**
 * @typedef {object} SessionOptions
 * @property {Pick<CognitoClient, "signIn" | "completeNewPassword" | "refresh" | "revoke">} cognito
 * @property {StorageLike | null} [storage]
 * @property {() => number} [now]
 * @property {SessionTimers} [timers]
 * @property {number} [refreshMarginMs]
 */
/**
 * @typedef {object} SessionRecord
 * @property {string} username
 * @property {string} idToken
 * @property {string} accessToken
 * @property {string} [refreshToken]
 * @property {Identity} identity
 */

export const SESSION_STORAGE_KEY = "mta.session";
/** Refresh this long before the ID token expires, so a reconnect never presents a stale token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const REFRESH_RETRY_MS = 30_000;

export class SessionError extends Error {
  /**
   * @param {SessionErrorCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "SessionError";
    /** @readonly */
    this.code = code;
  }
}

/**
 * Pure: how long to wait before refreshing a token that expires at `expiresAt`: `marginMs`
 * before expiry, or halfway through what is left when that is less than twice the margin
 * (a pool with 5-minute tokens would otherwise refresh again at once, in a loop).
 * @param {number} expiresAt
 * @param {number} now
 * @param {number} [marginMs]
 */
export function refreshDelayMs(expiresAt, now, marginMs = REFRESH_MARGIN_MS) {
  const left = expiresAt - now;
  return Math.max(0, left - Math.min(marginMs, left / 2));
}

/** @param {StorageLike | null | undefined} storage */
function safeStorage(storage) {
  // Storage can be missing or throw (private mode, quotas); the session then lives in memory only.
  return {
    /** @param {string} key */
    get(key) {
      try { return storage ? storage.getItem(key) : null; } catch { return null; }
    },
    /**
     * @param {string} key
     * @param {string} value
     */
    set(key, value) {
      try { if (storage) storage.setItem(key, value); } catch { /* memory only */ }
    },
    /** @param {string} key */
    remove(key) {
      try { if (storage) storage.removeItem(key); } catch { /* nothing stored */ }
    },
  };
}

/**
 * @param {SessionOptions} options
 * @returns {Session}
 */
export function createSession({
  cognito,
  storage,
  now = () => Date.now(),
  timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(/** @type {number} */ (id)) },
  refreshMarginMs = REFRESH_MARGIN_MS,
}) {
  const store = safeStorage(storage);
  /** @type {SessionRecord | null} */
  let record = null;
  /** @type {{ username: string, session: string } | null} during the first-sign-in new-password step */
  let challenge = null;
  /** @type {unknown} */
  let refreshTimer = null;
  /** @type {Promise<string> | null} */
  let refreshing = null;
  /** @type {Set<(user: SessionUser | null, reason: ChangeReason) => void>} */
  const listeners = new Set();

  /** @param {ChangeReason} reason */
  const notify = (reason) => {
    for (const listener of listeners) listener(currentUser(), reason);
  };

  /** @returns {SessionUser | null} */
  function currentUser() {
    if (!record) return null;
    const { identity } = record;
    return { username: record.username, sub: identity.sub, tenantId: identity.tenantId, expiresAt: identity.expiresAt };
  }

  function schedule() {
    if (refreshTimer !== null) timers.clearTimeout(refreshTimer);
    refreshTimer = null;
    if (!record || !record.refreshToken) return;
    refreshTimer = timers.setTimeout(() => {
      refreshTimer = null;
      refresh().catch(() => {
        // Auth failures already signed the user out; other failures (network) retry soon.
        if (record) refreshTimer = timers.setTimeout(() => { refreshTimer = null; schedule(); }, REFRESH_RETRY_MS);
      });
    }, refreshDelayMs(record.identity.expiresAt, now(), refreshMarginMs));
  }

  /**
   * @param {string} username
   * @param {Tokens} tokens
   * @param {string} [previousRefreshToken]
   */
  function adopt(username, tokens, previousRefreshToken) {
    const identity = identityFromIdToken(tokens.idToken);
    record = {
      username,
      idToken: tokens.idToken,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? previousRefreshToken,
      identity,
    };
    store.set(
      SESSION_STORAGE_KEY,
      JSON.stringify({ username, idToken: record.idToken, accessToken: record.accessToken, refreshToken: record.refreshToken }),
    );
    schedule();
  }

  function clear() {
    if (refreshTimer !== null) timers.clearTimeout(refreshTimer);
    refreshTimer = null;
    record = null;
    challenge = null;
    store.remove(SESSION_STORAGE_KEY);
  }

  /** @returns {Promise<string>} */
  async function refresh() {
    if (!record || !record.refreshToken) throw new SessionError("signed_out", "not signed in");
    if (refreshing) return refreshing;
    const { username, refreshToken } = record;
    refreshing = (async () => {
      try {
        const outcome = await cognito.refresh(refreshToken);
        if (outcome.kind !== "tokens") throw new CognitoError("UnsupportedChallenge", "refresh asked for a challenge");
        if (!record || record.refreshToken !== refreshToken) throw new SessionError("signed_out", "signed out during refresh");
        adopt(username, outcome.tokens, refreshToken);
        notify("refreshed");
        return /** @type {SessionRecord} */ (record).idToken;
      } catch (error) {
        if (error instanceof CognitoError && error.code !== "NetworkError") {
          // Refused, not unreachable: the refresh token was revoked, or the pool that issued
          // it is gone (a restarted local stack has fresh users), so the user must sign in.
          clear();
          notify("revoked");
          throw new SessionError("revoked", "the sign-in is no longer valid");
        }
        throw error;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  return {
    user: currentUser,
    /** True while the new-password step of a first sign-in is pending. */
    needsNewPassword: () => challenge !== null,

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Picks up a session saved in this tab; false when there is none (or it is unreadable). */
    restore() {
      const text = store.get(SESSION_STORAGE_KEY);
      if (!text) return false;
      try {
        const saved = JSON.parse(text);
        if (typeof saved.username !== "string" || typeof saved.idToken !== "string" || typeof saved.accessToken !== "string") {
          throw new Error("incomplete");
        }
        const identity = identityFromIdToken(saved.idToken);
        const refreshToken = typeof saved.refreshToken === "string" ? saved.refreshToken : undefined;
        if (identity.expiresAt <= now() && !refreshToken) throw new Error("expired");
        record = { username: saved.username, idToken: saved.idToken, accessToken: saved.accessToken, refreshToken, identity };
        schedule();
        notify("restored");
        return true;
      } catch {
        clear();
        return false;
      }
    },

    /** "signed_in", or "new_password_required" for a user signing in with a temporary password. */
    async signIn(username, password) {
      challenge = null;
      const outcome = await cognito.signIn(username, password);
      if (outcome.kind === "new_password_required") {
        challenge = { username, session: outcome.session };
        return "new_password_required";
      }
      adopt(username, outcome.tokens);
      notify("signed_in");
      return "signed_in";
    },

    async completeNewPassword(newPassword) {
      if (!challenge) throw new SessionError("no_challenge", "there is no pending new-password step");
      const { username, session } = challenge;
      /** @type {import("./cognito.js").AuthOutcome} */
      let outcome;
      try {
        outcome = await cognito.completeNewPassword(username, newPassword, session);
      } catch (error) {
        // A timed-out challenge cannot be answered again: start over from the password step.
        if (error instanceof CognitoError && error.code === "NotAuthorizedException") challenge = null;
        throw error;
      }
      if (outcome.kind === "new_password_required") {
        challenge = { username, session: outcome.session };
        return "new_password_required";
      }
      challenge = null;
      adopt(username, outcome.tokens);
      notify("signed_in");
      return "signed_in";
    },

    /** A currently valid ID token, refreshed first when it is close to expiry (or when forced). */
    async getIdToken({ forceRefresh = false } = {}) {
      if (!record) throw new SessionError("signed_out", "not signed in");
      const stale = record.identity.expiresAt - refreshMarginMs <= now();
      if ((forceRefresh || stale) && record.refreshToken) return refresh();
      if (record.identity.expiresAt <= now()) {
        clear();
        notify("expired");
        throw new SessionError("expired", "your session has expired");
      }
      return record.idToken;
    },

    cancelNewPassword() {
      challenge = null;
    },

    /**
     * Forget the tokens here first, then revoke the refresh token at Cognito (best effort).
     * `signed_out_elsewhere`: the same user signed out in another tab (sign-out-broadcast.js);
     * `session_ended`: the server refused to renew the connection (renewal.js, I17).
     */
    signOut(reason = "signed_out") {
      const refreshToken = record && record.refreshToken;
      const wasSignedIn = record !== null;
      clear();
      if (refreshToken) cognito.revoke(refreshToken).catch(() => undefined);
      if (wasSignedIn) notify(reason);
    },
  };
}
