import { CognitoGateRefusal } from "../../../../local/cognito/errors";
import { attributeNameOf, attributeNamesOf, immutableAttributesOf, passwordPolicyOf, PoolRegistry } from "../../../../local/cognito/pool-facts";

function refusal(fn: () => unknown): CognitoGateRefusal {
  try {
    fn();
  } catch (error) {
    if (error instanceof CognitoGateRefusal) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

/** The pool and client as local/cognito/cognito.ts (and the Pulumi program) make them. */
function stackRegistry(): PoolRegistry {
  const r = new PoolRegistry();
  r.learnPool("pool-1", {
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    Schema: [{ Name: "tenantId", AttributeDataType: "String", Mutable: false }, { Name: "nickname", Mutable: true }],
  });
  r.learnClient("client-1", "pool-1", { ReadAttributes: ["custom:tenantId", "email"], WriteAttributes: ["email"] });
  return r;
}

describe("schema helpers", () => {
  it("prefixes custom attributes, not standard ones", () => {
    expect(attributeNameOf("tenantId")).toBe("custom:tenantId");
    expect(attributeNameOf("custom:tenantId")).toBe("custom:tenantId");
    expect(attributeNameOf("email")).toBe("email");
    expect(immutableAttributesOf([{ Name: "tenantId", Mutable: false }, { Name: "x", Mutable: true }, { Name: "y" }, null])).toEqual(["custom:tenantId"]);
    expect(immutableAttributesOf("nope")).toEqual([]);
  });

  it("reads attribute names from UserAttributes and UserAttributeNames", () => {
    expect(attributeNamesOf({ UserAttributes: [{ Name: "email", Value: "x" }, { Value: "y" }, null] })).toEqual(["email"]);
    expect(attributeNamesOf({ UserAttributeNames: ["custom:tenantId", 3] })).toEqual(["custom:tenantId"]);
    expect(attributeNamesOf({})).toEqual([]);
  });
});

describe("PoolRegistry.checkSignUp", () => {
  it("refuses SignUp for an operator-only pool with AWS's words", () => {
    const r = refusal(() => stackRegistry().checkSignUp("client-1"));
    expect(r.code).toBe("NotAuthorizedException");
    expect(r.message).toBe("SignUp is not permitted for this user pool");
  });

  it("refuses for an unknown client (fail closed) and allows a pool that permits self sign-up", () => {
    expect(refusal(() => stackRegistry().checkSignUp("client-x")).code).toBe("NotAuthorizedException");
    expect(refusal(() => stackRegistry().checkSignUp(undefined)).code).toBe("NotAuthorizedException");
    const open = new PoolRegistry();
    open.learnPool("pool-2", { AdminCreateUserConfig: { AllowAdminCreateUserOnly: false } });
    open.learnClient("client-2", "pool-2", {});
    expect(() => open.checkSignUp("client-2")).not.toThrow();
  });
});

describe("PoolRegistry.checkUserWrite (a user's own access token)", () => {
  it("refuses custom:tenantId, alone or among allowed attributes, and allows the write attributes", () => {
    const r = stackRegistry();
    expect(refusal(() => r.checkUserWrite("client-1", ["custom:tenantId"])).message).toBe("A client attempted to write unauthorized attribute");
    expect(refusal(() => r.checkUserWrite("client-1", ["email", "custom:tenantId"])).code).toBe("NotAuthorizedException");
    expect(refusal(() => r.checkUserWrite("client-1", ["nickname"])).code).toBe("NotAuthorizedException");
    expect(() => r.checkUserWrite("client-1", ["email"])).not.toThrow();
  });

  it("without WriteAttributes allows standard attributes only (AWS default), never sub", () => {
    const r = stackRegistry();
    r.learnClient("client-2", "pool-1", {});
    expect(() => r.checkUserWrite("client-2", ["nickname"])).not.toThrow();
    expect(refusal(() => r.checkUserWrite("client-2", ["custom:tenantId"])).code).toBe("NotAuthorizedException");
    expect(refusal(() => r.checkUserWrite("client-2", ["sub"])).code).toBe("NotAuthorizedException");
  });

  it("still refuses an immutable attribute a client lists as writable", () => {
    const r = stackRegistry();
    r.learnClient("client-3", "pool-1", { WriteAttributes: ["custom:tenantId"] });
    expect(refusal(() => r.checkUserWrite("client-3", ["custom:tenantId"])).code).toBe("InvalidParameterException");
    expect(refusal(() => r.checkUserWrite("client-x", ["email"])).code).toBe("NotAuthorizedException");
  });
});

describe("PoolRegistry.checkMutable (Admin*)", () => {
  it("refuses immutable attributes with InvalidParameterException and allows mutable ones", () => {
    const r = stackRegistry();
    const e = refusal(() => r.checkMutable("pool-1", ["email", "custom:tenantId"]));
    expect(e.code).toBe("InvalidParameterException");
    expect(e.message).toBe("user.custom:tenantId: Attribute cannot be updated.");
    expect(() => r.checkMutable("pool-1", ["email", "nickname"])).not.toThrow();
    expect(refusal(() => r.checkMutable("pool-unknown", ["sub"])).code).toBe("InvalidParameterException");
  });

  it("learns immutable custom attributes added later; forgetting a pool forgets its clients", () => {
    const r = stackRegistry();
    r.learnCustomAttributes("pool-1", [{ Name: "plan", Mutable: false }]);
    expect(refusal(() => r.checkMutable("pool-1", ["custom:plan"])).code).toBe("InvalidParameterException");
    r.forgetPool("pool-1");
    expect(r.pool("pool-1")).toBeUndefined();
    expect(r.client("client-1")).toBeUndefined();
  });
});

describe("passwordPolicyOf: the temporary-password validity (I19)", () => {
  it("takes the declared days, AWS's 7 when left out, and 7 for 0 (Cognito reads 0 as its default)", () => {
    const days = (declared?: number) =>
      passwordPolicyOf(declared === undefined ? {} : { Policies: { PasswordPolicy: { TemporaryPasswordValidityDays: declared } } }).temporaryPasswordValidityDays;
    expect(days(3)).toBe(3);
    expect(days()).toBe(7);
    expect(days(0)).toBe(7);
  });
});
