/**
 * LOCAL STACK ONLY. The local Cognito signs tokens with a key it makes at every start and
 * leaves (0600) at `outputs.localTokenSigningKeyFile`; signing with it here stands in for
 * "the identity provider issued this token" when a test needs a token Cognito would issue
 * but cannot be asked for: one that expires in seconds (Cognito's minimum ID-token
 * lifetime is 5 minutes), or an expired one with a genuine signature. It proves the checks
 * after the signature (expiry, issuer, tenant) on their own.
 *
 * cognito-local's own key (shipped in its npm package, so public) is NOT that key: a
 * token signed with it is what anyone could forge (see `cognitoLocalShippedKey`).
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { signingKeyFromPem } from "../../../../local/cognito/token-signer";
import { signJwt, type Claims, type SigningKey } from "../../../../local/cognito/test-identity-provider";
import { stackOutputs } from "../../../support/stack/outputs";
import { decodeClaims } from "../../../../scripts/stack-client/sign-in";

let cached: { file: string; key: SigningKey } | undefined;

/** The key the local stack under test signs tokens with (read from its outputs' key file). */
export function localIssuerKey(): SigningKey {
  const file = stackOutputs().localTokenSigningKeyFile;
  if (!file) throw new Error("the stack outputs name no localTokenSigningKeyFile: these tests need the local stack");
  if (cached?.file === file) return cached.key;
  const { kid, privateKey, publicJwk } = signingKeyFromPem(readFileSync(file, "utf8"));
  const key: SigningKey = { kid, privateKey, publicJwk: { kty: "RSA", n: publicJwk.n, e: publicJwk.e, kid, alg: "RS256", use: "sig" } };
  cached = { file, key };
  return key;
}

/** A token with `idToken`'s claims plus `overrides`, signed as the local Cognito signs. */
export function reissueLocally(idToken: string, overrides: Claims): string {
  return signJwt({ ...decodeClaims(idToken), ...overrides }, localIssuerKey());
}

interface CognitoLocalKeyFile {
  pem: string;
}

/** cognito-local's signing key as its npm package ships it (kid "CognitoLocal"): public to anyone. */
export function cognitoLocalShippedKey(): SigningKey {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const file = require("cognito-local/lib/keys/cognitoLocal.private.json") as CognitoLocalKeyFile;
  const privateKey = createPrivateKey(file.pem);
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as { n: string; e: string };
  return { kid: "CognitoLocal", privateKey, publicJwk: { kty: "RSA", n: jwk.n, e: jwk.e, kid: "CognitoLocal", alg: "RS256", use: "sig" } };
}

/** What an attacker who read cognito-local's package can forge: `idToken`'s claims plus `overrides`. */
export function forgeWithShippedKey(idToken: string, overrides: Claims = {}): string {
  return signJwt({ ...decodeClaims(idToken), ...overrides }, cognitoLocalShippedKey());
}
