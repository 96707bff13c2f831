/**
 * In-band renewal (docs/architecture.md §Protocol, `renew`): API Gateway checks the ID
 * token only at `$connect`, and the server stops serving a connection once that token
 * expires. Whenever the session refreshes its tokens (before the ID token expires), the
 * fresh ID token goes to the open connection in a `renew` frame, so a long conversation
 * never drops. The frame is sent only over the WebSocket; the token is never logged.
 */

/** @typedef {import("./session.js").Session} Session */

/**
 * Pure: the client frame that renews the connection's authorization.
 * @param {string} idToken
 */
export function renewFrame(idToken) {
  return { action: "renew", token: idToken };
}

/**
 * Sends a `renew` frame after every token refresh. Returns the unsubscribe function.
 * When no connection is open the frame is not sent: the next connection opens with the
 * fresh token anyway.
 * @param {{ session: Pick<Session, "onChange" | "getIdToken">, send: (message: unknown) => boolean }} options
 * @returns {() => void}
 */
export function renewOnRefresh({ session, send }) {
  const unsubscribe = session.onChange((user, reason) => {
    if (!user || reason !== "refreshed") return;
    session.getIdToken().then(
      (idToken) => send(renewFrame(idToken)),
      () => {
        // Signed out meanwhile: the session has already told the page.
      },
    );
  });
  return () => {
    unsubscribe();
  };
}
