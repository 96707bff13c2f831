import { decodeJwtPayload, identityFromIdToken, TokenFormatError } from "../../../../web/js/jwt.js";
import { fakeIdToken, fakeJwt, SUB } from "./fake-jwt";

describe("decodeJwtPayload", () => {
  it("reads a base64url payload, including non-ASCII text", () => {
    expect(decodeJwtPayload(fakeJwt({ name: "Zoë ✓", n: 1 }))).toEqual({ name: "Zoë ✓", n: 1 });
  });

  it.each([
    ["not a string", 42],
    ["two parts", "a.b"],
    ["empty payload", "a..c"],
    ["not base64 JSON", "a.@@@.c"],
    ["an array payload", `a.${Buffer.from("[1]").toString("base64url")}.c`],
  ])("refuses %s without echoing the token", (_label, token) => {
    expect(() => decodeJwtPayload(token)).toThrow(TokenFormatError);
    try {
      decodeJwtPayload(token);
    } catch (error) {
      expect((error as Error).message).not.toContain(String(token));
    }
  });
});

describe("identityFromIdToken", () => {
  it("takes sub, username, tenant and expiry (ms) from the ID token", () => {
    const exp = 1_900_000_000;
    expect(identityFromIdToken(fakeIdToken({ exp }))).toEqual({
      sub: SUB,
      username: "tenant1-user",
      email: undefined,
      tenantId: "tenant1",
      expiresAt: exp * 1000,
    });
  });

  it("refuses an access token where an ID token is needed", () => {
    expect(() => identityFromIdToken(fakeIdToken({ token_use: "access" }))).toThrow("not an ID token");
  });

  it("refuses a token without sub or exp, and leaves tenant undefined when missing", () => {
    expect(() => identityFromIdToken(fakeIdToken({ sub: undefined }))).toThrow("no sub");
    expect(() => identityFromIdToken(fakeIdToken({ exp: "soon" }))).toThrow("no exp");
    expect(identityFromIdToken(fakeIdToken({ "custom:tenantId": undefined })).tenantId).toBeUndefined();
  });
});
