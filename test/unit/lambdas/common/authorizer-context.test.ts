/**
 * The authorizer → chat context, tested at both ends: what the authorizer builds is what
 * the chat function reads back (also after API Gateway stringifies the number), and a
 * malformed context is refused by the reader and never built by the producer.
 */
import {
  buildAuthorizerContext,
  parseAuthorizerContext,
  tokenExpired,
  type AuthorizerContext,
} from "../../../../lambdas/common/authorizer-context";

const USER = "11111111-1111-4111-8111-111111111111";
const CONTEXT: AuthorizerContext = { userId: USER, tenantId: "tenant1", tokenExpiresAt: 1_900_000_000 };

describe("buildAuthorizerContext", () => {
  it("carries exactly userId, tenantId and tokenExpiresAt, as primitives", () => {
    const built = buildAuthorizerContext({ ...CONTEXT, email: "a@b.c" } as AuthorizerContext);
    expect(built).toEqual(CONTEXT);
    // API Gateway accepts only string/number/boolean context values.
    for (const value of Object.values(built)) expect(["string", "number", "boolean"]).toContain(typeof value);
  });

  it.each([
    ["a userId that is not a sub", { ...CONTEXT, userId: "admin" }],
    ["a malformed tenant", { ...CONTEXT, tenantId: "t1/../t2" }],
    ["a fractional expiry", { ...CONTEXT, tokenExpiresAt: 1.5 }],
    ["a zero expiry", { ...CONTEXT, tokenExpiresAt: 0 }],
  ])("refuses to build a context with %s", (_label, identity) => {
    expect(() => buildAuthorizerContext(identity)).toThrow(TypeError);
  });
});

describe("parseAuthorizerContext", () => {
  it("reads back what the authorizer built", () => {
    expect(parseAuthorizerContext(buildAuthorizerContext(CONTEXT))).toEqual(CONTEXT);
  });

  it("accepts the expiry as API Gateway's string form, and drops the fields API Gateway adds", () => {
    const delivered = { principalId: USER, integrationLatency: 12, userId: USER, tenantId: "tenant1", tokenExpiresAt: "1900000000" };
    expect(parseAuthorizerContext(delivered)).toEqual(CONTEXT);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a string", "userId"],
    ["empty", {}],
    ["without userId", { tenantId: "tenant1", tokenExpiresAt: 10 }],
    ["a userId that is not a sub", { ...CONTEXT, userId: "admin" }],
    ["a tenant with a slash", { ...CONTEXT, tenantId: "t1/../t2" }],
    ["an upper-case tenant", { ...CONTEXT, tenantId: "Tenant_1" }],
    ["without an expiry", { userId: USER, tenantId: "tenant1" }],
    ["a negative expiry", { ...CONTEXT, tokenExpiresAt: -5 }],
    ["a fractional expiry", { ...CONTEXT, tokenExpiresAt: 1.5 }],
    ["an expiry string with letters", { ...CONTEXT, tokenExpiresAt: "12e9" }],
    ["an expiry string with a sign", { ...CONTEXT, tokenExpiresAt: "+1900000000" }],
    ["an empty expiry string", { ...CONTEXT, tokenExpiresAt: "" }],
  ])("refuses %s", (_label, value) => {
    expect(parseAuthorizerContext(value)).toBeUndefined();
  });
});

describe("tokenExpired", () => {
  const now = new Date(CONTEXT.tokenExpiresAt * 1000);

  it("treats the expiry second itself as expired", () => {
    expect(tokenExpired(CONTEXT, now)).toBe(true);
  });

  it("is not expired a second before", () => {
    expect(tokenExpired({ ...CONTEXT, tokenExpiresAt: CONTEXT.tokenExpiresAt + 1 }, now)).toBe(false);
  });
});
