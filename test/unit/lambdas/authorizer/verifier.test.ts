/**
 * lambdas/authorizer/verifier.ts: full verification against a real JWKS over HTTP (no
 * mocks of the library), the checks on the unverified token before any key is fetched,
 * the JWKS fetcher's limits, and the mapping of the library's errors to rejection codes.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
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
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { AuthorizerConfig } from "../../../../lambdas/authorizer/config";
import { AuthorizationError } from "../../../../lambdas/authorizer/errors";
import {
  ACCEPTED_ALGORITHM,
  createTokenVerifier,
  JwksFetchError,
  LoopbackAwareJwksFetcher,
  precheckToken,
  type TokenVerifier,
  verificationErrorCode,
} from "../../../../lambdas/authorizer/verifier";
import {
  base64url,
  createSigningKey,
  jwksOf,
  type JwksServer,
  type SigningKey,
  signJwt,
  startJwksServer,
  TestIdentityProvider,
} from "../../../../local/cognito/test-identity-provider";
import { CLIENT_ID, overrideConfig, TENANTS } from "./fixtures";

const POOL_ID = "eu-west-1_AbCdEf123";
const COGNITO_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;

async function rejectionCode(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
  } catch (error) {
    if (error instanceof AuthorizationError) return error.code;
    throw error;
  }
  return "accepted";
}

interface Setup {
  idp: TestIdentityProvider;
  newVerifier(): TokenVerifier;
  jwksRequests(): number;
  /** JWKS URIs one hydration downloads: Cognito publishes a regional and a global issuer. */
  jwksUris: number;
}

let key: SigningKey;
let otherKeySameKid: SigningKey;
let otherKey: SigningKey;
let server: JwksServer;

beforeAll(async () => {
  key = createSigningKey("key-1");
  otherKeySameKid = createSigningKey("key-1");
  otherKey = createSigningKey("key-2");
  server = await startJwksServer(jwksOf(key));
});

afterAll(() => server.close());

function overrideSetup(): Setup {
  const idp = new TestIdentityProvider({ issuer: server.issuer, clientId: CLIENT_ID, key });
  return {
    idp,
    newVerifier: () => createTokenVerifier(overrideConfig(server.issuer, server.jwksUri)),
    jwksRequests: () => server.requestCount(),
    jwksUris: 1,
  };
}

function cognitoSetup(): Setup {
  const idp = new TestIdentityProvider({ issuer: COGNITO_ISSUER, clientId: CLIENT_ID, key });
  let requests = 0;
  const config: AuthorizerConfig = { userPoolId: POOL_ID, clientId: CLIENT_ID, tenantIds: new Set(TENANTS), appProtocol: "mta.v1" };
  const fetcher = {
    fetch: async (uri: string): Promise<ArrayBuffer> => {
      requests += 1;
      const expected = [`https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}/.well-known/jwks.json`, `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}/.well-known/jwks.json`];
      if (!expected.includes(uri)) throw new Error("unexpected JWKS URI");
      return new TextEncoder().encode(JSON.stringify(jwksOf(key))).buffer as ArrayBuffer;
    },
  };
  return {
    idp,
    newVerifier: () => createTokenVerifier(config, { jwksCache: new SimpleJwksCache({ fetcher }) }),
    jwksRequests: () => requests,
    jwksUris: 2,
  };
}

describe.each([
  ["issuer override (cognito-local)", overrideSetup],
  ["Cognito user pool", cognitoSetup],
])("createTokenVerifier, %s", (_label, makeSetup) => {
  let setup: Setup;
  let verifier: TokenVerifier;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(() => {
    setup = makeSetup();
    verifier = setup.newVerifier();
  });

  it("accepts a genuine ID token and returns its claims", async () => {
    const payload = await verifier.verify(setup.idp.idToken({ "custom:tenantId": "tenant2" }));
    expect(payload["custom:tenantId"]).toBe("tenant2");
    expect(payload.token_use).toBe("id");
    expect(payload.aud).toBe(CLIENT_ID);
  });

  it.each<[string, () => string, string]>([
    ["a garbled token", () => "abc.def.ghi", "malformed_token"],
    ["a token that is not base64url JSON", () => "eyJub3Q.anNvbg.c2ln", "malformed_token"],
    ["a signature by another key with the same kid", () => setup.idp.idToken({}, { key: otherKeySameKid }), "bad_signature"],
    ["a tampered signature", () => setup.idp.idToken({}, { signature: "tampered" }), "bad_signature"],
    [
      "a tampered payload (tenant swapped after signing)",
      () => {
        const [h, , s] = setup.idp.idToken({ "custom:tenantId": "tenant1" }).split(".");
        const forged = Buffer.from(JSON.stringify(setup.idp.idTokenClaims({ "custom:tenantId": "tenant2" }))).toString("base64url");
        return `${h}.${forged}.${s}`;
      },
      "bad_signature",
    ],
    ["alg: none", () => setup.idp.idToken({}, { header: { alg: "none" }, signature: "none" }), "bad_algorithm"],
    ["alg: none with a signature", () => setup.idp.idToken({}, { header: { alg: "none" } }), "bad_algorithm"],
    ["alg: HS256", () => setup.idp.idToken({}, { header: { alg: "HS256" } }), "bad_algorithm"],
    ["alg: RS512", () => setup.idp.idToken({}, { header: { alg: "RS512" } }), "bad_algorithm"],
    ["an RS256 header with an empty signature", () => setup.idp.idToken({}, { signature: "none" }), "bad_signature"],
    ["no kid", () => setup.idp.idToken({}, { header: { kid: undefined } }), "unknown_key"],
    ["a kid the JWKS lacks", () => setup.idp.idToken({}, { key: otherKey }), "unknown_key"],
    ["a wrong issuer", () => setup.idp.idToken({ iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" }), "wrong_issuer"],
    ["no issuer", () => setup.idp.idToken({ iss: undefined }), "wrong_issuer"],
    ["a wrong audience", () => setup.idp.idToken({ aud: "another-client" }), "wrong_audience"],
    ["no audience", () => setup.idp.idToken({ aud: undefined }), "wrong_audience"],
    ["an access token", () => setup.idp.accessToken(), "wrong_token_use"],
    ["an access token that names the client as aud", () => setup.idp.accessToken({ aud: CLIENT_ID }), "wrong_token_use"],
    ["an ID token without token_use", () => setup.idp.idToken({ token_use: undefined }), "wrong_token_use"],
    ["an expired token", () => setup.idp.idToken({ iat: now() - 7200, exp: now() - 60 }), "expired"],
    ["a token expired by one second", () => setup.idp.idToken({ exp: now() - 1 }), "expired"],
    ["a token not yet valid", () => setup.idp.idToken({ nbf: now() + 600 }), "not_yet_valid"],
    ["a token without exp", () => setup.idp.idToken({ exp: undefined }), "missing_expiry"],
  ])("rejects %s", async (_label, token, code) => {
    await expect(rejectionCode(verifier, token())).resolves.toBe(code);
  });

  it("still accepts a genuine token after all those rejections", async () => {
    await expect(rejectionCode(verifier, setup.idp.idToken())).resolves.toBe("accepted");
  });

  it("refuses a foreign issuer or algorithm before fetching any key", async () => {
    const fresh = setup.newVerifier();
    const before = setup.jwksRequests();
    await expect(rejectionCode(fresh, setup.idp.idToken({ iss: "https://evil.example/pool" }))).resolves.toBe("wrong_issuer");
    await expect(rejectionCode(fresh, setup.idp.idToken({}, { header: { alg: "none" }, signature: "none" }))).resolves.toBe("bad_algorithm");
    expect(setup.jwksRequests()).toBe(before);
  });

  it("fetches the JWKS once for many verifications", async () => {
    const fresh = setup.newVerifier();
    const before = setup.jwksRequests();
    for (let i = 0; i < 25; i++) await fresh.verify(setup.idp.idToken());
    const cold = setup.jwksRequests() - before;
    // One download per JWKS URI at most (Cognito has a regional and a global issuer).
    expect(cold).toBeGreaterThanOrEqual(1);
    expect(cold).toBeLessThanOrEqual(setup.jwksUris);
    for (let i = 0; i < 25; i++) await fresh.verify(setup.idp.idToken());
    expect(setup.jwksRequests() - before).toBe(cold);
  });

  it("lets a burst of unknown kids trigger at most one refetch", async () => {
    const fresh = setup.newVerifier();
    await fresh.verify(setup.idp.idToken());
    const before = setup.jwksRequests();
    const codes = await Promise.all(Array.from({ length: 20 }, () => rejectionCode(fresh, setup.idp.idToken({}, { key: otherKey }))));
    expect(new Set(codes)).toEqual(new Set(["unknown_key"]));
    expect(setup.jwksRequests() - before).toBeLessThanOrEqual(1);
  });

  it("does not echo the token in its errors", async () => {
    const token = setup.idp.idToken({ aud: "another-client" });
    const error = await verifier.verify(token).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(token.split(".")[1]);
  });
});

describe("createTokenVerifier, JWKS unavailable", () => {
  it("refuses with jwks_unavailable when the JWKS endpoint answers 404", async () => {
    const idp = new TestIdentityProvider({ issuer: server.issuer, clientId: CLIENT_ID, key });
    const verifier = createTokenVerifier(overrideConfig(server.issuer, `${server.issuer}/missing.json`));
    await expect(rejectionCode(verifier, idp.idToken())).resolves.toBe("jwks_unavailable");
  });

  it("refuses with jwks_unavailable when nothing listens", async () => {
    const gone = await startJwksServer(jwksOf(key));
    await gone.close();
    const idp = new TestIdentityProvider({ issuer: gone.issuer, clientId: CLIENT_ID, key });
    const verifier = createTokenVerifier(overrideConfig(gone.issuer, gone.jwksUri));
    await expect(rejectionCode(verifier, idp.idToken())).resolves.toBe("jwks_unavailable");
  });
});

describe("createTokenVerifier, key rotation", () => {
  it("accepts a token signed by a newly published key", async () => {
    const rotating = await startJwksServer(jwksOf(key), "local_rotating");
    try {
      const verifier = createTokenVerifier(overrideConfig(rotating.issuer, rotating.jwksUri));
      const oldIdp = new TestIdentityProvider({ issuer: rotating.issuer, clientId: CLIENT_ID, key });
      const newIdp = new TestIdentityProvider({ issuer: rotating.issuer, clientId: CLIENT_ID, key: otherKey });
      await verifier.verify(oldIdp.idToken());
      rotating.setJwks(jwksOf(key, otherKey));
      await expect(verifier.verify(newIdp.idToken())).resolves.toMatchObject({ token_use: "id" });
    } finally {
      await rotating.close();
    }
  });
});

it("signJwt can sign arbitrary claims (sanity check of the test signer)", () => {
  const token = signJwt({ a: 1 }, key);
  expect(token.split(".")).toHaveLength(3);
  expect(JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT", kid: "key-1" });
});

/**
 * The key-less checks before any JWKS download (I2): a foreign algorithm, a token
 * without a key id or from a foreign issuer is refused by its header and claims alone,
 * while a well-formed token from a configured issuer passes on to full verification.
 */
describe("precheckToken", () => {
  const ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123";
  const ISSUERS = [ISSUER, "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"];
  const PAYLOAD = { iss: ISSUER, sub: "11111111-1111-4111-8111-111111111111", token_use: "id", exp: 1_900_000_000 };
  const SIGNATURE = "c2lnbmF0dXJl";

  /** An unsigned-by-us compact JWS: the precheck never looks at the signature's bytes. */
  function token(header: Record<string, unknown>, payload: Record<string, unknown> = PAYLOAD, signature = SIGNATURE): string {
    return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${signature}`;
  }

  const RS256 = { alg: "RS256", typ: "JWT", kid: "key-1" };

  function codeOf(candidate: string): string {
    try {
      precheckToken(candidate, ISSUERS);
    } catch (error) {
      if (error instanceof AuthorizationError) return error.code;
      throw error;
    }
    return "passed";
  }

  it("accepts only RS256", () => {
    expect(ACCEPTED_ALGORITHM).toBe("RS256");
  });

  it("passes a well-formed RS256 token from either configured issuer spelling, returning its unverified payload", () => {
    expect(precheckToken(token(RS256), ISSUERS)).toEqual(PAYLOAD);
    expect(codeOf(token(RS256, { ...PAYLOAD, iss: ISSUERS[1] }))).toBe("passed");
  });

  it.each([
    ["alg none, unsigned", token({ alg: "none", typ: "JWT" }, PAYLOAD, ""), "bad_algorithm"],
    ["alg none, with a signature", token({ alg: "none", kid: "key-1" }), "bad_algorithm"],
    ["HS256 (the public key used as a shared secret)", token({ ...RS256, alg: "HS256" }), "bad_algorithm"],
    ["ES256", token({ ...RS256, alg: "ES256" }), "bad_algorithm"],
    ["rs256 in lower case", token({ ...RS256, alg: "rs256" }), "bad_algorithm"],
    ["no alg at all", token({ typ: "JWT", kid: "key-1" }), "bad_algorithm"],
    ["RS256 with the signature stripped", token(RS256, PAYLOAD, ""), "bad_signature"],
    ["an unsigned token whose header is unreadable", "bm90LWpzb24.e30.", "bad_algorithm"],
  ])("refuses %s", (_label, candidate, code) => {
    expect(codeOf(candidate)).toBe(code);
  });

  it.each([
    ["no kid", token({ alg: "RS256", typ: "JWT" })],
    ["an empty kid", token({ ...RS256, kid: "" })],
  ])("refuses a token with %s as unknown_key", (_label, candidate) => {
    expect(codeOf(candidate)).toBe("unknown_key");
  });

  it.each([
    ["a foreign issuer", { ...PAYLOAD, iss: "https://evil.example/eu-west-1_AbCdEf123" }],
    ["a configured issuer with a suffix", { ...PAYLOAD, iss: `${ISSUER}/x` }],
    ["no issuer", { ...PAYLOAD, iss: undefined }],
  ])("refuses %s as wrong_issuer", (_label, payload) => {
    expect(codeOf(token(RS256, payload))).toBe("wrong_issuer");
  });

  it.each([
    ["one part", "garbage"],
    ["two parts", "eyJhbGciOiJSUzI1NiJ9.e30"],
    ["four parts", `${token(RS256)}.x`],
    ["a header that is not JSON", `bm90LWpzb24.${base64url(JSON.stringify(PAYLOAD))}.${SIGNATURE}`],
    ["a payload that is not JSON", `${base64url(JSON.stringify(RS256))}.bm90LWpzb24.${SIGNATURE}`],
    ["a header that is a JSON array", `${base64url("[]")}.${base64url(JSON.stringify(PAYLOAD))}.${SIGNATURE}`],
    // The library refuses claims of the wrong type while decomposing.
    ["a kid that is not a string", token({ ...RS256, kid: 7 })],
    ["an issuer that is not a string", token(RS256, { ...PAYLOAD, iss: [ISSUER] })],
  ])("refuses a token with %s as malformed_token", (_label, candidate) => {
    expect(codeOf(candidate)).toBe("malformed_token");
  });

  it("checks the algorithm before the key id and the issuer", () => {
    expect(codeOf(token({ alg: "HS256" }, { ...PAYLOAD, iss: "https://evil.example" }))).toBe("bad_algorithm");
    expect(codeOf(token({ alg: "RS256" }, { ...PAYLOAD, iss: "https://evil.example" }))).toBe("unknown_key");
  });

  it("never puts the token in the error message", () => {
    const candidate = token({ ...RS256, alg: "HS256" });
    try {
      precheckToken(candidate, ISSUERS);
    } catch (error) {
      for (const part of candidate.split(".")) expect((error as Error).message).not.toContain(part);
      return;
    }
    throw new Error("expected a rejection");
  });
});

describe("JWKS fetcher", () => {
  describe("LoopbackAwareJwksFetcher", () => {
    let server: Server;
    let base: string;
    const body = JSON.stringify({ keys: [] });

    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === "/jwks.json") res.writeHead(200, { "content-type": "application/json" }).end(body);
        else if (req.url === "/huge.json") res.writeHead(200).end("x".repeat(1024 * 1024));
        else if (req.url === "/slow.json") setTimeout(() => res.writeHead(200).end(body), 2000);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it("downloads a JWKS over http from a loopback host", async () => {
      const data = await new LoopbackAwareJwksFetcher().fetch(`${base}/jwks.json`);
      expect(Buffer.from(data).toString("utf8")).toBe(body);
    });

    it.each([
      ["a non-200 answer", "/missing.json"],
      ["an oversized body", "/huge.json"],
    ])("fails on %s", async (_label, path) => {
      await expect(new LoopbackAwareJwksFetcher().fetch(`${base}${path}`)).rejects.toThrow();
    });

    it("times out", async () => {
      await expect(new LoopbackAwareJwksFetcher(100).fetch(`${base}/slow.json`)).rejects.toThrow();
    });

    it("refuses plain http to another host without connecting", async () => {
      await expect(new LoopbackAwareJwksFetcher().fetch("http://idp.example.com/jwks.json")).rejects.toThrow();
    });
  });
});

/**
 * aws-jwt-verify's failures → our stable rejection codes. Real library errors first (the
 * verifier is driven with a cached JWKS, no network), so a library upgrade that changes
 * which error it raises fails here; then every mapped class, and the fallbacks.
 */
describe("verificationErrorCode", () => {
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
});
