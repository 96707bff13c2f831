/**
 * Checks on the unverified token that need no key, done before aws-jwt-verify may fetch a
 * JWKS: a token with a foreign algorithm (`none`, HS256 with the public key as secret, ES*)
 * or from a foreign issuer never causes network traffic an attacker could trigger at will.
 * Nothing here is trusted: the full verification still runs afterwards.
 */
import { decomposeUnverifiedJwt } from "aws-jwt-verify/jwt";
import { AuthorizationError } from "./errors";

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
