/**
 * The few Cognito user-pool calls the page makes, over Cognito's JSON API with fetch
 * (no SDK, no build step). The app client is public: no client secret, USER_PASSWORD_AUTH.
 * Works against AWS and against cognito-local alike.
 */

const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";
export const COGNITO_CONTENT_TYPE = "application/x-amz-json-1.1";

/**
 * @typedef {object} Tokens
 * @property {string} idToken
 * @property {string} accessToken
 * @property {string} [refreshToken]
 * @property {number} [expiresIn]
 */
/** @typedef {{ kind: "tokens", tokens: Tokens } | { kind: "new_password_required", session: string }} AuthOutcome */
/**
 * @typedef {(url: string, init: { method: string, headers: Record<string, string>, body: string, credentials?: RequestCredentials, cache?: RequestCache }) => Promise<{
 *   ok: boolean,
 *   status: number,
 *   text(): Promise<string>,
 *   headers?: { get(name: string): string | null },
 * }>} FetchLike
 */
/**
 * @typedef {object} CognitoClient
 * @property {(username: string, password: string) => Promise<AuthOutcome>} signIn
 * @property {(username: string, newPassword: string, session: string) => Promise<AuthOutcome>} completeNewPassword
 * @property {(refreshToken: string) => Promise<AuthOutcome>} refresh
 * @property {(refreshToken: string) => Promise<void>} revoke
 */

/** A refused Cognito call; `code` is Cognito's exception name (or NetworkError). Never carries tokens or passwords. */
export class CognitoError extends Error {
  /**
   * @param {string} code
   * @param {string} [message]
   * @param {number} [status]
   */
  constructor(code, message, status) {
    super(message || code);
    this.name = "CognitoError";
    /** @readonly */
    this.code = code;
    /** @readonly */
    this.status = status;
  }
}

/**
 * "com.amazonaws…#NotAuthorizedException" or "NotAuthorizedException:http://…" → "NotAuthorizedException".
 * @param {unknown} raw
 * @returns {string}
 */
export function errorTypeName(raw) {
  if (typeof raw !== "string" || raw.length === 0) return "UnknownError";
  const afterHash = raw.includes("#") ? raw.slice(raw.lastIndexOf("#") + 1) : raw;
  return afterHash.split(":")[0];
}

/**
 * Pure: tokens or the next challenge from an InitiateAuth / RespondToAuthChallenge response body.
 * @param {unknown} response
 * @returns {AuthOutcome}
 */
export function authOutcome(response) {
  // Checked field by field below: whatever Cognito sent, as parsed JSON.
  const body = /** @type {Record<string, any> | null | undefined} */ (response);
  if (body && body.AuthenticationResult) {
    const r = body.AuthenticationResult;
    if (typeof r.IdToken !== "string" || typeof r.AccessToken !== "string") {
      throw new CognitoError("MalformedResponse", "sign-in response has no tokens");
    }
    return {
      kind: "tokens",
      tokens: {
        idToken: r.IdToken,
        accessToken: r.AccessToken,
        // REFRESH_TOKEN_AUTH does not return a new refresh token: the caller keeps the old one.
        refreshToken: typeof r.RefreshToken === "string" ? r.RefreshToken : undefined,
        expiresIn: typeof r.ExpiresIn === "number" ? r.ExpiresIn : undefined,
      },
    };
  }
  if (body && body.ChallengeName === "NEW_PASSWORD_REQUIRED" && typeof body.Session === "string") {
    return { kind: "new_password_required", session: body.Session };
  }
  throw new CognitoError("UnsupportedChallenge", `unsupported sign-in challenge ${String(body && body.ChallengeName)}`);
}

/**
 * @param {{ endpoint: string, clientId: string, fetch?: FetchLike }} options
 * @returns {CognitoClient}
 */
export function createCognitoClient({ endpoint, clientId, fetch: fetchImpl = (url, init) => globalThis.fetch(url, init) }) {
  /**
   * @param {string} operation
   * @param {Record<string, unknown>} payload
   * @returns {Promise<any>} the parsed JSON body
   */
  async function call(operation, payload) {
    let response;
    try {
      response = await fetchImpl(endpoint, {
        method: "POST",
        headers: { "Content-Type": COGNITO_CONTENT_TYPE, "X-Amz-Target": TARGET_PREFIX + operation },
        body: JSON.stringify(payload),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new CognitoError("NetworkError", "cannot reach Cognito");
    }
    let body;
    try {
      const text = await response.text();
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new CognitoError(response.ok ? "MalformedResponse" : "UnknownError", `Cognito answered ${response.status} with a body that is not JSON`, response.status);
    }
    if (!response.ok) {
      const type = errorTypeName((response.headers && response.headers.get && response.headers.get("x-amzn-errortype")) || body.__type);
      const message = typeof body.message === "string" ? body.message : typeof body.Message === "string" ? body.Message : "";
      throw new CognitoError(type, message, response.status);
    }
    return body;
  }

  return {
    /** USER_PASSWORD_AUTH: tokens, or a NEW_PASSWORD_REQUIRED challenge for a first sign-in. */
    async signIn(username, password) {
      return authOutcome(
        await call("InitiateAuth", {
          AuthFlow: "USER_PASSWORD_AUTH",
          ClientId: clientId,
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      );
    },
    async completeNewPassword(username, newPassword, session) {
      return authOutcome(
        await call("RespondToAuthChallenge", {
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          ClientId: clientId,
          Session: session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
        }),
      );
    },
    async refresh(refreshToken) {
      return authOutcome(
        await call("InitiateAuth", {
          AuthFlow: "REFRESH_TOKEN_AUTH",
          ClientId: clientId,
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
    },
    /** Invalidates the refresh token (and the tokens it issued) on sign-out. */
    async revoke(refreshToken) {
      await call("RevokeToken", { ClientId: clientId, Token: refreshToken });
    },
  };
}
