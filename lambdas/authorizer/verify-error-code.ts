/**
 * Maps aws-jwt-verify's error classes to our stable rejection codes. The library's
 * messages can quote claim values, so only the code survives to logs.
 */
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from "aws-jwt-verify/error";
import { AuthorizationError, type AuthorizationErrorCode } from "./errors";
import { JwksFetchError } from "./jwks-fetcher";

type ErrorClass = abstract new (...args: never[]) => Error;

// First match wins: subclasses (JwtInvalidSignatureAlgorithmError is a FailedAssertionError) come first.
const CODES: ReadonlyArray<readonly [ErrorClass, AuthorizationErrorCode]> = [
  [JwtParseError, "malformed_token"],
  [JwtInvalidSignatureAlgorithmError, "bad_algorithm"],
  [JwtInvalidSignatureError, "bad_signature"],
  [JwtWithoutValidKidError, "unknown_key"],
  [KidNotFoundInJwksError, "unknown_key"],
  // The same unknown kid again within the penalty period: still the caller's fault, not an outage.
  [WaitPeriodNotYetEndedJwkError, "unknown_key"],
  [JwtInvalidIssuerError, "wrong_issuer"],
  [JwtInvalidAudienceError, "wrong_audience"],
  [CognitoJwtInvalidClientIdError, "wrong_audience"],
  [CognitoJwtInvalidTokenUseError, "wrong_token_use"],
  [JwtExpiredError, "expired"],
  [JwtNotBeforeError, "not_yet_valid"],
  [JwksFetchError, "jwks_unavailable"],
  [FetchError, "jwks_unavailable"],
  [JwksValidationError, "jwks_unavailable"],
  [JwksNotAvailableInCacheError, "jwks_unavailable"],
  [JwkValidationError, "jwks_unavailable"],
  [JwkInvalidUseError, "jwks_unavailable"],
  [JwkInvalidKtyError, "jwks_unavailable"],
];

export function verificationErrorCode(error: unknown): AuthorizationErrorCode {
  if (error instanceof AuthorizationError) return error.code;
  const match = CODES.find(([errorClass]) => error instanceof errorClass);
  return match ? match[1] : "invalid_token";
}
