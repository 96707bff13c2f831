/** Caller identity from the authorizer context only: malformed contexts are refused. */
import { callerFromAuthorizer, tokenExpired } from "../../../../lambdas/chat/caller";
import {
  NOW,
  TENANT_A,
  TOKEN_EXPIRES_AT,
  USER_A,
  authorizerContext,
} from "./fixtures";

describe("callerFromAuthorizer", () => {
  it("reads a well-formed context", () => {
    expect(callerFromAuthorizer(authorizerContext())).toEqual({
      userId: USER_A,
      tenantId: TENANT_A,
      tokenExpiresAt: TOKEN_EXPIRES_AT,
    });
  });

  it.each([
    ["null", null],
    ["a string", "userId"],
    ["a negative expiry", { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: -5 }],
    ["a fractional expiry", { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: 1.5 }],
    ["an expiry string with letters", { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: "12e9" }],
    ["a tenant with a slash", { userId: USER_A, tenantId: "t1/../t2", tokenExpiresAt: 10 }],
  ])("rejects %s", (_label, context) => {
    expect(callerFromAuthorizer(context)).toBeUndefined();
  });

  it("treats the expiry second itself as expired", () => {
    const caller = callerFromAuthorizer(authorizerContext(USER_A, TENANT_A, NOW.getTime() / 1000))!;
    expect(tokenExpired(caller, NOW)).toBe(true);
    expect(tokenExpired({ ...caller, tokenExpiresAt: caller.tokenExpiresAt + 1 }, NOW)).toBe(false);
  });
});
