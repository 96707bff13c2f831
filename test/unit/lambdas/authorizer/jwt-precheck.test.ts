/**
 * The key-less checks before any JWKS download (invariant 2): a foreign algorithm, a token
 * without a key id or from a foreign issuer is refused by its header and claims alone,
 * while a well-formed token from a configured issuer passes on to full verification.
 */
import { AuthorizationError } from "../../../../lambdas/authorizer/errors";
import { ACCEPTED_ALGORITHM, precheckToken } from "../../../../lambdas/authorizer/jwt-precheck";
import { base64url } from "../../../support/jwt-signer";

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
