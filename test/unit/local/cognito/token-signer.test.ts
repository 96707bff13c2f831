import { createHash, createPrivateKey, verify } from "node:crypto";
import {
  createTokenSigningKey,
  jwksDocument,
  openIdConfiguration,
  privateKeyPem,
  resignAuthenticationResult,
  resignJwt,
  rsaThumbprint,
  signingKeyFromPem,
  TokenResignError,
} from "../../../../local/cognito/token-signer";
import { signJwt } from "../../../../local/cognito/test-identity-provider";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const shippedPem = (require("cognito-local/lib/keys/cognitoLocal.private.json") as { pem: string }).pem;
const shipped = { kid: "CognitoLocal", privateKey: createPrivateKey(shippedPem), publicJwk: { kty: "RSA", n: "", e: "", kid: "CognitoLocal", alg: "RS256", use: "sig" } as const };
const key = createTokenSigningKey();
const parts = (token: string) => token.split(".") as [string, string, string];
const header = (token: string) => JSON.parse(Buffer.from(parts(token)[0], "base64url").toString("utf8")) as Record<string, unknown>;
const validUnder = (token: string, k = key) => {
  const [h, p, s] = parts(token);
  return verify("RSA-SHA256", Buffer.from(`${h}.${p}`), k.publicKey, Buffer.from(s, "base64url"));
};

describe("the per-start signing key", () => {
  it("is new at every start, with an RFC 7638 thumbprint as kid", () => {
    const other = createTokenSigningKey();
    expect(other.kid).not.toBe(key.kid);
    const { n, e } = key.publicJwk;
    expect(key.kid).toBe(createHash("sha256").update(`{"e":"${e}","kty":"RSA","n":"${n}"}`).digest("base64url"));
    expect(rsaThumbprint(key.publicKey)).toBe(key.kid);
    expect(key.publicJwk).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: key.kid });
  });

  it("reads back from its PEM file as the same key and kid (what the red-team tests sign with)", () => {
    const again = signingKeyFromPem(privateKeyPem(key));
    expect(again.kid).toBe(key.kid);
    expect(again.publicJwk).toEqual(key.publicJwk);
  });

  it("publishes only itself in the JWKS; the OpenID configuration names the gate", () => {
    expect(jwksDocument(key)).toEqual({ keys: [key.publicJwk] });
    expect(openIdConfiguration("http://127.0.0.1:1/local_p")).toMatchObject({
      issuer: "http://127.0.0.1:1/local_p",
      jwks_uri: "http://127.0.0.1:1/local_p/.well-known/jwks.json",
    });
  });
});

describe("resignJwt", () => {
  const claims = { sub: "s", "custom:tenantId": "t1", token_use: "id", exp: 2_000_000_000 };

  it("keeps the payload segment byte for byte and signs with the gate's key under its kid", () => {
    const original = signJwt(claims, shipped);
    const resigned = resignJwt(original, key);
    expect(parts(resigned)[1]).toBe(parts(original)[1]);
    expect(header(resigned)).toMatchObject({ alg: "RS256", kid: key.kid });
    expect(validUnder(resigned)).toBe(true);
    expect(validUnder(original)).toBe(false);
  });

  it.each([
    ["not three segments", "a.b"],
    ["a non-base64url segment", "a.b+c.d"],
    ["a header that is not JSON", `${Buffer.from("x").toString("base64url")}.e30.c2ln`],
    ["an alg other than RS256", signJwt(claims, shipped, { header: { alg: "none" } })],
  ])("refuses %s (fails closed, without echoing the token)", (_label, token) => {
    let thrown: unknown;
    try {
      resignJwt(token, key);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TokenResignError);
    expect((thrown as Error).message).not.toContain(token);
  });
});

describe("resignAuthenticationResult", () => {
  it("re-signs IdToken and AccessToken, leaves the refresh token and the rest alone", () => {
    const result = { IdToken: signJwt({ token_use: "id" }, shipped), AccessToken: signJwt({ token_use: "access" }, shipped), RefreshToken: "opaque", ExpiresIn: 3600 };
    const out = resignAuthenticationResult({ AuthenticationResult: result, ChallengeParameters: {} }, key) as { AuthenticationResult: typeof result; ChallengeParameters: unknown };
    expect(validUnder(out.AuthenticationResult.IdToken)).toBe(true);
    expect(validUnder(out.AuthenticationResult.AccessToken)).toBe(true);
    expect(out.AuthenticationResult).toMatchObject({ RefreshToken: "opaque", ExpiresIn: 3600 });
    expect(out.ChallengeParameters).toEqual({});
  });

  it("re-signs a refresh sign-in (no refresh token in the answer)", () => {
    const out = resignAuthenticationResult({ AuthenticationResult: { IdToken: signJwt({}, shipped), AccessToken: signJwt({}, shipped) } }, key);
    expect(validUnder((out as { AuthenticationResult: { IdToken: string } }).AuthenticationResult.IdToken)).toBe(true);
  });

  it("changes nothing when there are no tokens, and fails closed on a token that is not a string", () => {
    expect(resignAuthenticationResult({ ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "s" }, key)).toBeUndefined();
    expect(resignAuthenticationResult(undefined, key)).toBeUndefined();
    expect(resignAuthenticationResult({ AuthenticationResult: {} }, key)).toBeUndefined();
    expect(() => resignAuthenticationResult({ AuthenticationResult: { IdToken: 42 } }, key)).toThrow(TokenResignError);
  });
});
