import { expiryFromClaims, identityFromClaims, subFromClaims, tenantFromClaims } from "../../../../lambdas/authorizer/claims";
import { rejectionCode } from "./rejection-code";

const ALLOWED = new Set(["tenant1", "tenant2"]);
const SUB = "0f8fad5b-d9cb-469f-a165-70867728950e";

const codeOf = rejectionCode;

describe("tenantFromClaims", () => {
  it("returns a configured, well-formed tenant", () => {
    expect(tenantFromClaims({ "custom:tenantId": "tenant2" }, ALLOWED)).toBe("tenant2");
  });

  it.each([
    ["missing", {}, "missing_tenant"],
    ["empty", { "custom:tenantId": "" }, "missing_tenant"],
    ["null", { "custom:tenantId": null }, "missing_tenant"],
    ["a path", { "custom:tenantId": "../x" }, "bad_tenant"],
    ["upper case", { "custom:tenantId": "TENANT1" }, "bad_tenant"],
    ["a prefix trick", { "custom:tenantId": "tenant1/orders" }, "bad_tenant"],
    ["a number", { "custom:tenantId": 1 }, "bad_tenant"],
    ["an array", { "custom:tenantId": ["tenant1"] }, "bad_tenant"],
    ["too long", { "custom:tenantId": "t".repeat(40) }, "bad_tenant"],
    ["not configured", { "custom:tenantId": "tenant3" }, "unknown_tenant"],
    ["a configured id with a suffix", { "custom:tenantId": "tenant1-x" }, "unknown_tenant"],
  ])("rejects a tenant that is %s", (_label, claims, code) => {
    expect(codeOf(() => tenantFromClaims(claims, ALLOWED))).toBe(code);
  });

  it("ignores a plain `tenantId` claim: only the Cognito custom attribute counts", () => {
    expect(codeOf(() => tenantFromClaims({ tenantId: "tenant1" }, ALLOWED))).toBe("missing_tenant");
  });
});

describe("subFromClaims / expiryFromClaims", () => {
  it("accepts a UUID sub and an integer exp", () => {
    expect(subFromClaims({ sub: SUB })).toBe(SUB);
    expect(expiryFromClaims({ exp: 1_900_000_000 })).toBe(1_900_000_000);
  });

  it.each([[undefined], [""], ["tenant1-user1"], [`${SUB}x`], [42]])("rejects sub %p", (sub) => {
    expect(codeOf(() => subFromClaims({ sub }))).toBe("bad_subject");
  });

  it.each([[undefined], ["1900000000"], [1.5], [0], [-1]])("rejects exp %p", (exp) => {
    expect(codeOf(() => expiryFromClaims({ exp }))).toBe("missing_expiry");
  });
});

describe("identityFromClaims", () => {
  it("carries sub, tenant and exp, nothing else", () => {
    const identity = identityFromClaims({ sub: SUB, "custom:tenantId": "tenant1", exp: 1_900_000_000, email: "a@b.c" }, ALLOWED);
    expect(identity).toEqual({ userId: SUB, tenantId: "tenant1", tokenExpiresAt: 1_900_000_000 });
  });
});
