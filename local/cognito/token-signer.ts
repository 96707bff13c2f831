/**
 * The local pool's own token-signing key. cognito-local signs every token with a private
 * key that ships in its npm package, so anyone could mint an ID token for any user and
 * tenant that a verifier trusting that key accepts. The gate therefore holds a fresh RSA
 * key per start, re-signs the ID and access tokens of every AuthenticationResult before
 * a client sees them (claims byte-for-byte unchanged), and publishes only this key in
 * the pool's JWKS. Refresh tokens stay as cognito-local issued them: they are opaque to
 * clients and cognito-local looks them up by value, never by signature.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";

/** A public JWK as Cognito publishes it in `/<poolId>/.well-known/jwks.json`. */
export interface PublicSigningJwk {
  kty: "RSA";
  n: string;
  e: string;
  kid: string;
  alg: "RS256";
  use: "sig";
  [name: string]: unknown;
}

export interface TokenSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicSigningJwk;
}

/** Why a token from cognito-local could not be re-signed (never carries the token). */
export class TokenResignError extends Error {
  readonly code = "token_resign_failed";
  constructor(reason: string) {
    super(`cannot re-sign a cognito-local token: ${reason}`);
    this.name = "TokenResignError";
  }
}

/**
 * RFC 7638 thumbprint of an RSA public key: the key id, so whoever holds the private key
 * (the red-team tests, from the PEM file) derives the same `kid` the JWKS publishes.
 */
export function rsaThumbprint(publicKey: KeyObject): string {
  const { n, e } = publicKey.export({ format: "jwk" }) as { n?: string; e?: string };
  if (!n || !e) throw new TokenResignError("not an RSA key");
  return createHash("sha256").update(JSON.stringify({ e, kty: "RSA", n })).digest("base64url");
}

/** The signing key for a private key (generated here, or read back from its PEM file). */
export function signingKeyOf(privateKey: KeyObject): TokenSigningKey {
  if (privateKey.asymmetricKeyType !== "rsa") throw new TokenResignError("not an RSA key");
  const publicKey = createPublicKey(privateKey);
  const { n, e } = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  const kid = rsaThumbprint(publicKey);
  return { kid, privateKey, publicKey, publicJwk: { kty: "RSA", n, e, kid, alg: "RS256", use: "sig" } };
}

/** A fresh 2048-bit RSA key (the size Cognito uses), new at every start. */
export function createTokenSigningKey(): TokenSigningKey {
  return signingKeyOf(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
}

export function signingKeyFromPem(pem: string): TokenSigningKey {
  return signingKeyOf(createPrivateKey(pem));
}

export function privateKeyPem(key: TokenSigningKey): string {
  return key.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * The same token (same payload segment, so the same claims) with a header naming `key`
 * and an RS256 signature by it. Only a well-formed RS256 JWT is re-signed.
 */
export function resignJwt(token: string, key: TokenSigningKey): string {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw new TokenResignError("not a compact JWT");
  const [headerPart, payloadPart] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8"));
  } catch {
    throw new TokenResignError("header is not JSON");
  }
  if (header === null || typeof header !== "object" || Array.isArray(header) || (header as { alg?: unknown }).alg !== "RS256") {
    throw new TokenResignError("header is not an RS256 JWT header");
  }
  const newHeader = Buffer.from(JSON.stringify({ ...(header as Record<string, unknown>), alg: "RS256", kid: key.kid })).toString("base64url");
  const signingInput = `${newHeader}.${payloadPart}`;
  return `${signingInput}.${sign("RSA-SHA256", Buffer.from(signingInput), key.privateKey).toString("base64url")}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * An API answer with the ID and access tokens of its AuthenticationResult re-signed by
 * `key`; undefined when the answer carries none (nothing to change).
 */
export function resignAuthenticationResult(response: unknown, key: TokenSigningKey): Record<string, unknown> | undefined {
  if (!isObject(response) || !isObject(response.AuthenticationResult)) return undefined;
  const result = { ...response.AuthenticationResult };
  let changed = false;
  for (const name of ["IdToken", "AccessToken"] as const) {
    const token = result[name];
    if (token === undefined || token === null) continue;
    if (typeof token !== "string") throw new TokenResignError(`${name} is not a string`);
    result[name] = resignJwt(token, key);
    changed = true;
  }
  return changed ? { ...response, AuthenticationResult: result } : undefined;
}

/** The pool's JWKS: the gate's key only (cognito-local's shipped key is never published). */
export function jwksDocument(key: TokenSigningKey): { keys: PublicSigningJwk[] } {
  return { keys: [key.publicJwk] };
}

/** The pool's OpenID configuration, naming the gate as issuer and its JWKS. */
export function openIdConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ["RS256"],
    subject_types_supported: ["public"],
  };
}
