/**
 * Full verification of a Cognito ID token with aws-jwt-verify: RS256 signature against the
 * issuer's JWKS, issuer, audience (the app client), `token_use: "id"`, expiry. On AWS the
 * user pool decides issuer and JWKS; with an issuer override (the local stack's
 * cognito-local, whose `local_…` pool ids CognitoJwtVerifier refuses) the same checks are
 * configured one by one. Create one per execution environment: the verifier caches the
 * JWKS and the parsed public keys, so only a cold start (or a key rotation) downloads keys.
 *
 * Beside it, what it needs: the checks on the unverified token that run before any key is
 * fetched, the JWKS fetcher, and the mapping of the library's errors to our stable
 * rejection codes.
 */
import http from "node:http";
import https from "node:https";
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
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
import type { Fetcher } from "aws-jwt-verify/https";
import { type JwksCache, SimpleJwksCache } from "aws-jwt-verify/jwk";
import { decomposeUnverifiedJwt } from "aws-jwt-verify/jwt";
import type { JwtHeader, JwtPayload } from "aws-jwt-verify/jwt-model";
import { type AuthorizerConfig, AuthorizerConfigError, isPermittedJwksUrl } from "./config";
import { AuthorizationError, type AuthorizationErrorCode } from "./errors";

/**
 * Checks on the unverified token that need no key, done before aws-jwt-verify may fetch a
 * JWKS: a token with a foreign algorithm (`none`, HS256 with the public key as secret, ES*)
 * or from a foreign issuer never causes network traffic an attacker could trigger at will.
 * Nothing here is trusted: the full verification still runs afterwards.
 */
/** Cognito signs ID tokens with RS256; every other algorithm, `none` included, is refused. */
export const ACCEPTED_ALGORITHM = "RS256";

function unverifiedHeaderAlg(token: string): unknown {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8"));
    return typeof header === "object" && header !== null ? (header as { alg?: unknown }).alg : undefined;
  } catch {
    return undefined;
  }
}

/** Returns the still unverified payload, for nothing but choosing a rejection code. */
export function precheckToken(token: string, issuers: readonly string[]): Readonly<Record<string, unknown>> {
  // An unsigned token (`alg: none`, empty signature) is not even decomposable by the
  // library; name it for what it is.
  if (token.endsWith(".")) {
    throw new AuthorizationError(unverifiedHeaderAlg(token) === ACCEPTED_ALGORITHM ? "bad_signature" : "bad_algorithm");
  }
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    ({ header, payload } = decomposeUnverifiedJwt(token));
  } catch {
    throw new AuthorizationError("malformed_token");
  }
  if (header.alg !== ACCEPTED_ALGORITHM) throw new AuthorizationError("bad_algorithm");
  if (typeof header.kid !== "string" || header.kid === "") throw new AuthorizationError("unknown_key");
  if (typeof payload.iss !== "string" || !issuers.includes(payload.iss)) throw new AuthorizationError("wrong_issuer");
  return payload;
}

/**
 * JWKS download for aws-jwt-verify's `SimpleJwksCache`. The library's own fetcher refuses
 * `http:`, which the local stack's cognito-local needs; this one allows `http:` only to a
 * loopback host (nothing on a network path can swap the keys) and `https:` anywhere, with a
 * timeout and a size cap so a slow or hostile endpoint cannot stall or bloat the function.
 */
export const JWKS_FETCH_TIMEOUT_MS = 3000;
/** A Cognito JWKS is ~1 KB; key rotation doubles it at most. */
export const MAX_JWKS_BYTES = 64 * 1024;

export class JwksFetchError extends Error {
  override readonly name = "JwksFetchError";
  readonly code = "jwks_unavailable";
}

export class LoopbackAwareJwksFetcher implements Fetcher {
  constructor(
    private readonly timeoutMs: number = JWKS_FETCH_TIMEOUT_MS,
    private readonly maxBytes: number = MAX_JWKS_BYTES,
  ) {}

  fetch(uri: string): Promise<ArrayBuffer> {
    if (!isPermittedJwksUrl(uri)) return Promise.reject(new JwksFetchError("JWKS URL must be https, or http on a loopback host"));
    const url = new URL(uri);
    const client = url.protocol === "https:" ? https : http;
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const request = client.get(url, { headers: { accept: "application/json" }, timeout: this.timeoutMs }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new JwksFetchError(`JWKS endpoint answered HTTP ${response.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) {
            request.destroy(new JwksFetchError(`JWKS larger than ${this.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
        });
        response.on("error", (error) => reject(error instanceof JwksFetchError ? error : new JwksFetchError("JWKS download failed")));
      });
      request.on("timeout", () => request.destroy(new JwksFetchError(`JWKS download timed out after ${this.timeoutMs} ms`)));
      request.on("error", (error) => reject(error instanceof JwksFetchError ? error : new JwksFetchError("JWKS endpoint unreachable")));
    });
  }
}

/**
 * Maps aws-jwt-verify's error classes to our stable rejection codes. The library's
 * messages can quote claim values, so only the code survives to logs.
 */
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

export interface TokenVerifier {
  /** The verified payload, or an AuthorizationError with a stable code. */
  verify(token: string): Promise<JwtPayload>;
  readonly issuers: readonly string[];
}

export interface TokenVerifierOptions {
  /** Replaces the JWKS cache (and so the fetcher). */
  jwksCache?: JwksCache;
}

/** Both issuer spellings Cognito uses for a pool (aws-jwt-verify accepts both as well). */
export function cognitoIssuers(userPoolId: string): string[] {
  const regional = CognitoJwtVerifier.parseUserPoolId(userPoolId).issuer;
  const region = userPoolId.split("_")[0];
  return [regional, `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`];
}

/** Runs after the library's checks passed: what a Cognito ID token must also be, on either path. */
function idTokenCheck({ header, payload }: { header: JwtHeader; payload: JwtPayload }): void {
  if (header.alg !== ACCEPTED_ALGORITHM) throw new AuthorizationError("bad_algorithm");
  if (payload.token_use !== "id") throw new AuthorizationError("wrong_token_use");
  // The library checks `exp` only when present; a token that never expires is never accepted.
  if (typeof payload.exp !== "number") throw new AuthorizationError("missing_expiry");
}

interface LibraryVerifier {
  verify(token: string): Promise<JwtPayload>;
}

function libraryVerifier(config: AuthorizerConfig, jwksCache: JwksCache): { verifier: LibraryVerifier; issuers: string[] } {
  const override = config.issuerOverride;
  if (override) {
    const verifier = JwtVerifier.create(
      { issuer: override.issuer, audience: config.clientId, jwksUri: override.jwksUri, customJwtCheck: idTokenCheck },
      { jwksCache },
    );
    return { verifier, issuers: [override.issuer] };
  }
  let issuers: string[];
  try {
    issuers = cognitoIssuers(config.userPoolId);
  } catch {
    throw new AuthorizerConfigError(
      "authorizer config: USER_POOL_ID is not a Cognito user pool id (set JWT_ISSUER and JWKS_URI for another issuer)",
    );
  }
  const verifier = CognitoJwtVerifier.create(
    { userPoolId: config.userPoolId, tokenUse: "id", clientId: config.clientId, customJwtCheck: idTokenCheck },
    { jwksCache },
  );
  return { verifier, issuers };
}

export function createTokenVerifier(config: AuthorizerConfig, options: TokenVerifierOptions = {}): TokenVerifier {
  const jwksCache = options.jwksCache ?? new SimpleJwksCache({ fetcher: new LoopbackAwareJwksFetcher() });
  const { verifier, issuers } = libraryVerifier(config, jwksCache);
  return {
    issuers,
    async verify(token: string): Promise<JwtPayload> {
      const unverified = precheckToken(token, issuers);
      try {
        return await verifier.verify(token);
      } catch (error) {
        const code = verificationErrorCode(error);
        // The library checks the audience after the signature and before token_use: an authentic
        // access token (client_id, no aud) fails there, and is reported as what it is.
        throw new AuthorizationError(code === "wrong_audience" && unverified.token_use !== "id" ? "wrong_token_use" : code);
      }
    },
  };
}
