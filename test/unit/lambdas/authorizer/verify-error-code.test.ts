/**
 * aws-jwt-verify's failures → our stable rejection codes. Real library errors first (the
 * verifier is driven with a cached JWKS, no network), so a library upgrade that changes
 * which error it raises fails here; then every mapped class, and the fallbacks.
 */
import { JwtVerifier } from "aws-jwt-verify";
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
import { AuthorizationError } from "../../../../lambdas/authorizer/errors";
import { JwksFetchError } from "../../../../lambdas/authorizer/jwks-fetcher";
import { verificationErrorCode } from "../../../../lambdas/authorizer/verify-error-code";
import { base64url, createSigningKey, jwksOf, signJwt, type SigningKey } from "../../../support/jwt-signer";

const ISSUER = "https://issuer.example/pool";
const AUDIENCE = "client-1";
const NOW = Math.floor(Date.now() / 1000);
const CLAIMS = { iss: ISSUER, aud: AUDIENCE, sub: "11111111-1111-4111-8111-111111111111", token_use: "id", iat: NOW, exp: NOW + 600 };

let key: SigningKey;
let verifier: { verifySync(token: string): unknown };

beforeAll(() => {
  key = createSigningKey("key-1");
  const created = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/.well-known/jwks.json` });
  // The test JWKS type is looser than the library's (plain string fields); the keys are genuine RSA JWKs.
  created.cacheJwks(jwksOf(key) as unknown as Parameters<typeof created.cacheJwks>[0]);
  verifier = created;
});

const unsigned = (header: Record<string, unknown>, claims: Record<string, unknown> = CLAIMS) =>
  `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}.c2lnbmF0dXJl`;

/** The code for what the library throws on `token`; "accepted" if it verifies. */
function codeFor(token: string): string {
  try {
    verifier.verifySync(token);
  } catch (error) {
    return verificationErrorCode(error);
  }
  return "accepted";
}

describe("library failures", () => {
  it("accepts a genuine token (so the cases below fail for their one defect)", () => {
    expect(codeFor(signJwt(CLAIMS, key))).toBe("accepted");
  });

  it.each([
    ["garbage", () => "garbage", "malformed_token"],
    ["alg none", () => `${unsigned({ alg: "none" }).split(".").slice(0, 2).join(".")}.`, "malformed_token"],
    ["HS256", () => unsigned({ alg: "HS256", kid: "key-1" }), "bad_algorithm"],
    ["a tampered signature", () => signJwt(CLAIMS, key, { signature: "tampered" }), "bad_signature"],
    ["a missing kid", () => unsigned({ alg: "RS256" }), "unknown_key"],
    ["a kid the JWKS does not have", () => unsigned({ alg: "RS256", kid: "key-9" }), "unknown_key"],
    ["a foreign issuer", () => signJwt({ ...CLAIMS, iss: "https://evil.example/pool" }, key), "wrong_issuer"],
    ["another audience", () => signJwt({ ...CLAIMS, aud: "client-2" }, key), "wrong_audience"],
    ["an expired token", () => signJwt({ ...CLAIMS, exp: NOW - 60 }, key), "expired"],
    ["a token not yet valid", () => signJwt({ ...CLAIMS, nbf: NOW + 3600 }, key), "not_yet_valid"],
  ])("maps %s to %s", (_label, token, code) => {
    expect(codeFor(token())).toBe(code);
  });
});

describe("every mapped class", () => {
  it.each([
    [new JwtParseError("x"), "malformed_token"],
    [new JwtInvalidSignatureAlgorithmError("x", "HS256", "RS256"), "bad_algorithm"],
    [new JwtInvalidSignatureError("x"), "bad_signature"],
    [new JwtWithoutValidKidError("x"), "unknown_key"],
    [new KidNotFoundInJwksError("x"), "unknown_key"],
    [new WaitPeriodNotYetEndedJwkError("x"), "unknown_key"],
    [new JwtInvalidIssuerError("x", "a"), "wrong_issuer"],
    [new JwtInvalidAudienceError("x", "a"), "wrong_audience"],
    [new CognitoJwtInvalidClientIdError("x", "a"), "wrong_audience"],
    [new CognitoJwtInvalidTokenUseError("x", "access"), "wrong_token_use"],
    [new JwtExpiredError("x", 1), "expired"],
    [new JwtNotBeforeError("x", 1), "not_yet_valid"],
    [new JwksFetchError("x"), "jwks_unavailable"],
    [new FetchError("https://issuer.example/jwks", "x"), "jwks_unavailable"],
    [new JwksValidationError("x"), "jwks_unavailable"],
    [new JwksNotAvailableInCacheError("x"), "jwks_unavailable"],
    [new JwkValidationError("x"), "jwks_unavailable"],
    [new JwkInvalidUseError("x", "enc", "sig"), "jwks_unavailable"],
    [new JwkInvalidKtyError("x", "EC", "RSA"), "jwks_unavailable"],
  ])("maps %p", (error, code) => {
    expect(verificationErrorCode(error)).toBe(code);
  });
});

describe("fallbacks", () => {
  it("keeps the code of an AuthorizationError raised by our own checks", () => {
    expect(verificationErrorCode(new AuthorizationError("wrong_token_use"))).toBe("wrong_token_use");
    expect(verificationErrorCode(new AuthorizationError("missing_expiry"))).toBe("missing_expiry");
  });

  it.each([[new Error("anything")], [new TypeError("x")], ["a string"], [undefined]])("maps %p to invalid_token", (error) => {
    expect(verificationErrorCode(error)).toBe("invalid_token");
  });
});
