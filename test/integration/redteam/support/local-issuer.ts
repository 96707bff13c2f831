/**
 * LOCAL STACK ONLY. cognito-local signs every token with a fixed key shipped in its
 * package; signing with it here stands in for "the identity provider issued this token"
 * when a test needs a token Cognito would issue but cannot be asked for: one that expires
 * in seconds (Cognito's minimum ID-token lifetime is 5 minutes), or an expired one with a
 * genuine signature. It proves the checks after the signature (expiry) on their own.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { signJwt, type Claims, type SigningKey } from "../../../support/jwt-signer";
import { decodeClaims } from "../../../support/stack/sign-in";

interface CognitoLocalKeyFile {
  jwk: Record<string, string>;
  pem: string;
}

let cached: SigningKey | undefined;

export function cognitoLocalKey(): SigningKey {
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const file = require("cognito-local/lib/keys/cognitoLocal.private.json") as CognitoLocalKeyFile;
  const privateKey = createPrivateKey(file.pem);
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as { n: string; e: string };
  cached = { kid: "CognitoLocal", privateKey, publicJwk: { kty: "RSA", n: jwk.n, e: jwk.e, kid: "CognitoLocal", alg: "RS256", use: "sig" } };
  return cached;
}

/** A token with `idToken`'s claims plus `overrides`, signed as cognito-local signs. */
export function reissueLocally(idToken: string, overrides: Claims): string {
  return signJwt({ ...decodeClaims(idToken), ...overrides }, cognitoLocalKey());
}
