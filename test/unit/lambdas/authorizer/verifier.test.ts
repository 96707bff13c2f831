/**
 * Invariant 2, at the verifier: every forged, foreign, stale or wrong-kind token is refused
 * with a stable code, on both verification paths (AWS Cognito pool id; issuer override for
 * cognito-local), while a genuine ID token still verifies. Keys are generated here; the JWKS
 * comes from a 127.0.0.1 server or an injected cache, never from the network.
 */
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { AuthorizerConfig } from "../../../../lambdas/authorizer/config";
import { AuthorizationError } from "../../../../lambdas/authorizer/errors";
import { createTokenVerifier, type TokenVerifier } from "../../../../lambdas/authorizer/verifier";
import {
  createSigningKey,
  jwksOf,
  signJwt,
  startJwksServer,
  TestIdentityProvider,
  type JwksServer,
  type SigningKey,
} from "../../../support/jwt-signer";
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
