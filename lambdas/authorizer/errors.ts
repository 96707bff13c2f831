/**
 * Why a `$connect` was refused. The code is the only thing about a rejection that is
 * logged: messages never echo the token, its claims or the request.
 */
export const AUTHORIZATION_ERROR_CODES = [
  /** The event has no usable methodArn. */
  "bad_request",
  /** No Sec-WebSocket-Protocol header, or only the app protocol without a token. */
  "missing_token",
  /** The header is not `<app protocol>, <token>`. */
  "malformed_header",
  /** The first subprotocol is not this app's protocol. */
  "wrong_protocol",
  /** A token was offered in the URL, where proxies and access logs would keep it. */
  "token_in_url",
  /** Not a decodable JWT. */
  "malformed_token",
  /** A signature algorithm other than RS256 (including `none`). */
  "bad_algorithm",
  /** Signature does not verify with the issuer's key. */
  "bad_signature",
  /** No `kid`, or a `kid` the issuer's JWKS does not contain. */
  "unknown_key",
  "wrong_issuer",
  /** `aud` (ID token) is not this app client. */
  "wrong_audience",
  /** Not an ID token (e.g. an access token). */
  "wrong_token_use",
  "expired",
  "not_yet_valid",
  /** No `exp`: a token that never expires is never accepted. */
  "missing_expiry",
  /** No `iat`: the token cannot be compared with an offboarding record (I17). */
  "missing_issued_at",
  "bad_subject",
  "missing_tenant",
  /** The tenant claim (`custom:tenantId`) is not a well-formed tenant id. */
  "bad_tenant",
  /** A well-formed tenant id that this stack does not serve. */
  "unknown_tenant",
  /** The issuer's JWKS could not be fetched: not the caller's fault, still a refusal. */
  "jwks_unavailable",
  /** Any other verification failure. */
  "invalid_token",
] as const;

export type AuthorizationErrorCode = (typeof AUTHORIZATION_ERROR_CODES)[number];

export class AuthorizationError extends Error {
  override readonly name = "AuthorizationError";

  constructor(
    readonly code: AuthorizationErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}
