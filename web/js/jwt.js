/**
 * Reads (never verifies) a Cognito ID token in the browser. The page only uses the
 * claims for display and for building answerIds; the server verifies every token.
 */

/**
 * @typedef {object} Identity
 * @property {string} sub
 * @property {string} username
 * @property {string} [email]
 * @property {string} [tenantId]
 * @property {number} expiresAt epoch milliseconds
 */

export class TokenFormatError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "TokenFormatError";
    /** @readonly */
    this.code = /** @type {const} */ ("bad_token");
  }
}

/** @param {string} segment */
function base64UrlToText(segment) {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * The payload object of a JWT; throws TokenFormatError (without the token) when it is not one.
 * @param {unknown} token
 * @returns {Record<string, unknown>}
 */
export function decodeJwtPayload(token) {
  if (typeof token !== "string") throw new TokenFormatError("token is not a string");
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1].length === 0) throw new TokenFormatError("token is not a JWT");
  /** @type {unknown} */
  let payload;
  try {
    payload = JSON.parse(base64UrlToText(parts[1]));
  } catch {
    throw new TokenFormatError("token payload is not base64url JSON");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new TokenFormatError("token payload is not an object");
  }
  return /** @type {Record<string, unknown>} */ (payload);
}

/**
 * Who the ID token says the user is: `sub` (prefix of every answerId), the Cognito
 * username, the tenant from `custom:tenantId`, and the expiry in epoch milliseconds.
 * @param {string} idToken
 * @returns {Identity}
 */
export function identityFromIdToken(idToken) {
  const payload = decodeJwtPayload(idToken);
  if (payload.token_use !== undefined && payload.token_use !== "id") {
    throw new TokenFormatError("token is not an ID token");
  }
  if (typeof payload.sub !== "string" || payload.sub.length === 0) throw new TokenFormatError("token has no sub");
  if (typeof payload.exp !== "number") throw new TokenFormatError("token has no exp");
  const username =
    typeof payload["cognito:username"] === "string" ? payload["cognito:username"] : payload.sub;
  const tenantId = typeof payload["custom:tenantId"] === "string" ? payload["custom:tenantId"] : undefined;
  const email = typeof payload.email === "string" ? payload.email : undefined;
  return { sub: payload.sub, username, email, tenantId, expiresAt: payload.exp * 1000 };
}
