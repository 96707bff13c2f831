/**
 * The signed-in session: Cognito tokens kept in memory and in sessionStorage (so a reload
 * keeps the user signed in, closing the tab does not), refreshed before the ID token
 * expires, and cleared on sign-out. Tokens never leave this module except to the
 * WebSocket handshake and Cognito; they are never logged or shown.
 */
import { CognitoError } from "./cognito.js";
import { identityFromIdToken } from "./jwt.js";

export const SESSION_STORAGE_KEY = "mta.session";
/** Refresh this long before the ID token expires, so a reconnect never presents a stale token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const REFRESH_RETRY_MS = 30_000;

export class SessionError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "SessionError";
    this.code = code;
  }
}

/** Pure: how long to wait before refreshing a token that expires at `expiresAt`. */
export function refreshDelayMs(expiresAt, now, marginMs = REFRESH_MARGIN_MS) {
  return Math.max(0, expiresAt - marginMs - now);
}

function safeStorage(storage) {
  // Storage can be missing or throw (private mode, quotas); the session then lives in memory only.
  return {
    get(key) {
      try { return storage ? storage.getItem(key) : null; } catch { return null; }
    },
    set(key, value) {
      try { if (storage) storage.setItem(key, value); } catch { /* memory only */ }
    },
    remove(key) {
      try { if (storage) storage.removeItem(key); } catch { /* nothing stored */ }
    },
  };
}

export function createSession({
  cognito,
  storage,
  now = () => Date.now(),
  timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id) },
  refreshMarginMs = REFRESH_MARGIN_MS,
}) {
  const store = safeStorage(storage);
  let record = null; // { username, idToken, accessToken, refreshToken, identity }
  let challenge = null; // { username, session } during the first-sign-in new-password step
  let refreshTimer = null;
  let refreshing = null;
  const listeners = new Set();

  const notify = (reason) => {
    for (const listener of listeners) listener(currentUser(), reason);
  };

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
        return record.idToken;
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

    /** Forget the tokens here first, then revoke the refresh token at Cognito (best effort). */
    signOut() {
      const refreshToken = record && record.refreshToken;
      const wasSignedIn = record !== null;
      clear();
      if (refreshToken) cognito.revoke(refreshToken).catch(() => undefined);
      if (wasSignedIn) notify("signed_out");
    },
  };
}
