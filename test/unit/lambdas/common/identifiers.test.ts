/** Identifier formats: each accepted shape has rejected neighbours. */
import {
  TENANT_CLAIM,
  agentSessionId,
  answerIdOwner,
  isSub,
  isTenantId,
  roleSessionName,
} from "../../../../lambdas/common/identifiers";

const SUB = "11111111-1111-4111-8111-111111111111";

describe("TENANT_CLAIM", () => {
  it("is the name Cognito gives the custom attribute tenantId in ID tokens", () => {
    expect(TENANT_CLAIM).toBe("custom:tenantId");
  });
});

describe("isTenantId", () => {
  it.each(["tenant1", "a", "t-1", "a".repeat(32)])("accepts %s", (id) => expect(isTenantId(id)).toBe(true));
  it.each(["", "Tenant1", "-t1", "t1-", "t_1", "t1/t2", "a".repeat(33), 7, null])("rejects %p", (id) =>
    expect(isTenantId(id)).toBe(false),
  );
});

describe("isSub", () => {
  it("accepts a UUID", () => expect(isSub(SUB)).toBe(true));
  it.each(["", "admin", `${SUB}x`, SUB.replace(/-/g, ""), "gggggggg-1111-4111-8111-111111111111", undefined])(
    "rejects %p",
    (value) => expect(isSub(value)).toBe(false),
  );
});

describe("answerIdOwner", () => {
  it("returns the sub prefix of a well-formed answerId", () => expect(answerIdOwner(`${SUB}.q-1`)).toBe(SUB));
  it.each([`${SUB}`, `${SUB}.`, `${SUB}.a.b`, `${SUB}.${"x".repeat(49)}`, "------------------------------------.x", `x${SUB}.q`])(
    "returns undefined for %s",
    (id) => expect(answerIdOwner(id)).toBeUndefined(),
  );
});

describe("agentSessionId", () => {
  it("joins sub and conversation id within Bedrock's limits", () => {
    const id = agentSessionId(SUB, "c".repeat(48));
    expect(id).toMatch(/^[0-9a-zA-Z._:-]{2,100}$/);
    expect(id.startsWith(`${SUB}.`)).toBe(true);
  });
  it("refuses a bad sub or conversation id", () => {
    expect(() => agentSessionId("admin", "c1")).toThrow(TypeError);
    expect(() => agentSessionId(SUB, "../x")).toThrow(TypeError);
    expect(() => agentSessionId(SUB, "")).toThrow(TypeError);
  });
});

describe("roleSessionName", () => {
  it("names the user within STS limits", () => {
    const name = roleSessionName(SUB);
    expect(name).toBe(`user-${SUB}`);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
  it("refuses a non-sub", () => expect(() => roleSessionName("x y")).toThrow(TypeError));
});
