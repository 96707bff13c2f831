/**
 * Full verification of a Cognito ID token with aws-jwt-verify: RS256 signature against the
 * issuer's JWKS, issuer, audience (the app client), `token_use: "id"`, expiry. On AWS the
 * user pool decides issuer and JWKS; with an issuer override (the local stack's
 * cognito-local, whose `local_…` pool ids CognitoJwtVerifier refuses) the same checks are
 * configured one by one. Create one per execution environment: the verifier caches the
 * JWKS and the parsed public keys, so only a cold start (or a key rotation) downloads keys.
 */
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache, type JwksCache } from "aws-jwt-verify/jwk";
import type { JwtHeader, JwtPayload } from "aws-jwt-verify/jwt-model";
import { AuthorizerConfigError, type AuthorizerConfig } from "./config";
import { AuthorizationError } from "./errors";
import { LoopbackAwareJwksFetcher } from "./jwks-fetcher";
import { ACCEPTED_ALGORITHM, precheckToken } from "./jwt-precheck";
import { verificationErrorCode } from "./verify-error-code";

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
