import { createPublicKey } from "node:crypto";
import { verifyAccessToken, type AccessTokenContext } from "../../../../local/cognito/access-token";
import { CognitoGateRefusal } from "../../../../local/cognito/errors";
import { createSigningKey, signJwt, type Claims } from "../../../../local/cognito/test-identity-provider";

const key = createSigningKey("CognitoLocal");
const foreign = createSigningKey("CognitoLocal");
const NOW = 1_900_000_000;
const ISSUER = "http://127.0.0.1:4520/local_pool1";

const ctx: AccessTokenContext = {
  publicKey: createPublicKey({ key: key.publicJwk, format: "jwk" }),
  keyId: "CognitoLocal",
  poolOfIssuer: (iss) => (iss === ISSUER ? "local_pool1" : undefined),
  poolOfClient: (clientId) => (clientId === "client-1" ? "local_pool1" : clientId === "client-other" ? "local_pool2" : undefined),
  nowSeconds: NOW,
};

const claims = (overrides: Claims = {}): Claims => ({
  iss: ISSUER,
  token_use: "access",
  client_id: "client-1",
  username: "alice",
  sub: "sub-alice",
  exp: NOW + 3600,
  iat: NOW - 10,
  ...overrides,
});

function refusalOf(token: unknown): CognitoGateRefusal {
  try {
    verifyAccessToken(token, ctx);
  } catch (error) {
    if (error instanceof CognitoGateRefusal) return error;
    throw error;
  }
  throw new Error("token was accepted");
}

describe("verifyAccessToken", () => {
  it("accepts a genuine, unexpired access token of a known client and says whose it is", () => {
    expect(verifyAccessToken(signJwt(claims(), key), ctx)).toEqual({ userPoolId: "local_pool1", clientId: "client-1", username: "alice", sub: "sub-alice" });
  });

  it.each<[string, unknown]>([
    ["unsigned (alg none)", signJwt(claims(), key, { signature: "none", header: { alg: "none" } })],
    ["no signature", signJwt(claims(), key, { signature: "none" })],
    ["tampered signature", signJwt(claims(), key, { signature: "tampered" })],
    ["another key with the same kid", signJwt(claims(), foreign)],
    ["another kid", signJwt(claims(), key, { header: { kid: "other" } })],
    ["an ID token", signJwt(claims({ token_use: "id" }), key)],
    ["a foreign issuer", signJwt(claims({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_evil" }), key)],
    ["an unknown client", signJwt(claims({ client_id: "client-x" }), key)],
    ["a client of another pool", signJwt(claims({ client_id: "client-other" }), key)],
    ["no expiry", signJwt(claims({ exp: undefined }), key)],
    ["no username", signJwt(claims({ username: undefined }), key)],
    ["not a JWT", "abc"],
    ["not a string", 42],
    ["missing", undefined],
    ["garbage segments", "e30.!!!.sig"],
  ])("refuses %s: Invalid Access Token", (_label, token) => {
    const r = refusalOf(token);
    expect(r.code).toBe("NotAuthorizedException");
    expect(r.message).toBe("Invalid Access Token");
  });

  it("refuses an expired token with AWS's words, and never echoes the token", () => {
    const token = signJwt(claims({ exp: NOW }), key);
    const r = refusalOf(token);
    expect(r.message).toBe("Access Token has expired");
    expect(r.message).not.toContain(token.slice(0, 20));
  });
});
