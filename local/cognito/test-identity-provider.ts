/**
 * Test identity provider: RSA keys, their JWKS, and Cognito-like ID/access tokens with any
 * claims and headers, including `alg: none`, tampered signatures and foreign keys. Also a
 * JWKS server on 127.0.0.1 that counts its requests. For tests and benchmarks only (the
 * authorizer benchmark, test/support/jwt-signer.ts), never part of a running stack: keys
 * are generated per run and never leave the process.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** Public JWK as Cognito publishes it: kty, n, e, kid, alg RS256, use sig. */
  publicJwk: { kty: "RSA"; n: string; e: string; kid: string; alg: "RS256"; use: "sig" };
}

export interface Jwks {
  keys: SigningKey["publicJwk"][];
}

export function createSigningKey(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  return { kid, privateKey, publicJwk: { kty: "RSA", n: jwk.n, e: jwk.e, kid, alg: "RS256", use: "sig" } };
}

export function jwksOf(...keys: SigningKey[]): Jwks {
  return { keys: keys.map((key) => key.publicJwk) };
}

export function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

export type Claims = Record<string, unknown>;

export interface SignOptions {
  /** Header fields merged over `{ alg: "RS256", typ: "JWT", kid }`; a field set to undefined is removed. */
  header?: Record<string, unknown>;
  /**
   * `valid` signs with the key; `tampered` flips a bit of a valid signature; `none` leaves the
   * signature empty (pair it with `header: { alg: "none" }`).
   */
  signature?: "valid" | "tampered" | "none";
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** Signs any payload with RS256 (whatever the header claims), or not at all. */
export function signJwt(payload: Claims, key: SigningKey, options: SignOptions = {}): string {
  const header = withoutUndefined({ alg: "RS256", typ: "JWT", kid: key.kid, ...options.header });
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(withoutUndefined(payload)))}`;
  const mode = options.signature ?? "valid";
  if (mode === "none") return `${signingInput}.`;
  const signature = sign("RSA-SHA256", Buffer.from(signingInput), key.privateKey);
  if (mode === "tampered") signature[signature.length - 1] ^= 0x01;
  return `${signingInput}.${base64url(signature)}`;
}

export interface TestIdentityProviderOptions {
  issuer: string;
  clientId: string;
  key?: SigningKey;
  /** Seconds since the epoch; defaults to now. */
  now?: () => number;
}

/** Mints tokens shaped like Cognito's; overrides win, and an override of `undefined` drops a claim. */
export class TestIdentityProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly key: SigningKey;
  private readonly now: () => number;

  constructor(options: TestIdentityProviderOptions) {
    this.issuer = options.issuer;
    this.clientId = options.clientId;
    this.key = options.key ?? createSigningKey();
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  jwks(): Jwks {
    return jwksOf(this.key);
  }

  idTokenClaims(overrides: Claims = {}): Claims {
    const iat = this.now();
    return {
      sub: randomUUID(),
      "custom:tenantId": "tenant1",
      email_verified: true,
      iss: this.issuer,
      "cognito:username": "tenant1-user1",
      origin_jti: randomUUID(),
      aud: this.clientId,
      event_id: randomUUID(),
      token_use: "id",
      auth_time: iat,
      exp: iat + 3600,
      iat,
      jti: randomUUID(),
      ...overrides,
    };
  }

  /** Cognito access tokens carry `client_id`, not `aud`, and no custom attributes. */
  accessTokenClaims(overrides: Claims = {}): Claims {
    const iat = this.now();
    return {
      sub: randomUUID(),
      iss: this.issuer,
      client_id: this.clientId,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: "access",
      scope: "aws.cognito.signin.user.admin",
      auth_time: iat,
      exp: iat + 3600,
      iat,
      jti: randomUUID(),
      username: "tenant1-user1",
      ...overrides,
    };
  }

  idToken(overrides: Claims = {}, options: SignOptions & { key?: SigningKey } = {}): string {
    return signJwt(this.idTokenClaims(overrides), options.key ?? this.key, options);
  }

  accessToken(overrides: Claims = {}, options: SignOptions & { key?: SigningKey } = {}): string {
    return signJwt(this.accessTokenClaims(overrides), options.key ?? this.key, options);
  }
}

export interface JwksServer {
  /** e.g. `http://127.0.0.1:PORT/local_pool/.well-known/jwks.json` */
  jwksUri: string;
  /** `http://127.0.0.1:PORT/<poolId>`, the shape of cognito-local's issuer. */
  issuer: string;
  /** Requests served so far (any path). */
  requestCount(): number;
  setJwks(jwks: Jwks): void;
  close(): Promise<void>;
}

/** Serves a JWKS like cognito-local does, on a free loopback port. */
export async function startJwksServer(jwks: Jwks, poolId = "local_testpool"): Promise<JwksServer> {
  let current = jwks;
  let requests = 0;
  const path = `/${poolId}/.well-known/jwks.json`;
  const server: Server = createServer((req, res) => {
    requests += 1;
    if (req.method === "GET" && req.url === path) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(current));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/${poolId}`;
  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    requestCount: () => requests,
    setJwks: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
