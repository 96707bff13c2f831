/**
 * local/iam/trust-policy.ts fails closed: whatever it does not read exactly refuses, even in a
 * Deny statement, while the honest chat-role AssumeRole with the pinned tags is allowed.
 */
import { tenantAccessTrustPolicy, type PolicyDocument, type PolicyStatement } from "../../../../infra/policies";
import { assumeRoleContext } from "../../../../local/sts/sts";
import { trustPolicyAllows, type TrustRequest } from "../../../../local/iam/trust-policy";

const CHAT_ROLE = "arn:aws:iam::000000000000:role/multi-tenant-assistant-dev-chat-role";
const OTHER_ROLE = "arn:aws:iam::000000000000:role/multi-tenant-assistant-dev-action-group-role";
const SUB = "0f0e0d0c-1111-2222-3333-444455556666";
const policy = tenantAccessTrustPolicy(CHAT_ROLE, ["tenant1", "tenant2"]);
const honest = (action = "sts:AssumeRole", tags: Record<string, string> = { tenantId: "tenant1", userId: SUB }): TrustRequest => ({
  principalArn: CHAT_ROLE,
  action,
  context: assumeRoleContext(tags),
});

/** The honest policy with its one statement changed (or extra statements added). */
const withStatement = (change: (s: PolicyStatement) => Record<string, unknown>, ...extra: Record<string, unknown>[]): PolicyDocument =>
  ({ ...policy, Statement: [change(policy.Statement[0]), ...extra] }) as unknown as PolicyDocument;
const same = (s: PolicyStatement) => ({ ...s });

describe("trustPolicyAllows", () => {
  it("allows the chat role's AssumeRole and TagSession with the pinned tags", () => {
    expect(trustPolicyAllows(policy, honest("sts:AssumeRole"))).toBe(true);
    expect(trustPolicyAllows(policy, honest("sts:TagSession"))).toBe(true);
    expect(trustPolicyAllows(withStatement(same), honest())).toBe(true);
  });

  it("refuses another principal, another action, and tags outside the pins", () => {
    expect(trustPolicyAllows(policy, { ...honest(), principalArn: OTHER_ROLE })).toBe(false);
    expect(trustPolicyAllows(policy, honest("sts:AssumeRoleWithWebIdentity"))).toBe(false);
    expect(trustPolicyAllows(policy, honest("sts:AssumeRole", { tenantId: "tenant3", userId: SUB }))).toBe(false);
    expect(trustPolicyAllows(policy, honest("sts:AssumeRole", { tenantId: "tenant1", userId: "not-a-sub" }))).toBe(false);
    expect(trustPolicyAllows(policy, honest("sts:AssumeRole", { tenantId: "tenant1" }))).toBe(false);
    expect(trustPolicyAllows(policy, honest("sts:AssumeRole", { tenantId: "tenant1", userId: SUB, extra: "x" }))).toBe(false);
  });

  it.each([
    ["StringEqualsIfExists", { "aws:RequestTag/tenantId": "tenant1" }],
    ["StringNotEquals", { "aws:RequestTag/tenantId": "tenant9" }],
    ["ArnLike", { "aws:PrincipalArn": CHAT_ROLE }],
    ["Bool", { "aws:SecureTransport": "true" }],
  ])("refuses an unknown condition operator %s, even one that would hold", (operator, block) => {
    const changed = withStatement((s) => ({ ...s, Condition: { ...s.Condition, [operator]: block } }));
    expect(trustPolicyAllows(changed, honest())).toBe(false);
  });

  it.each(["aws:SourceIp", "aws:PrincipalTag/tenantId", "sts:RoleSessionName", "aws:requesttag/tenantId"])(
    "refuses an unknown condition key %s (even where its absence would make the condition hold)",
    (key) => {
      // ForAllValues over an absent key holds vacuously: an evaluator that skipped the key would allow.
      const changed = withStatement((s) => ({
        ...s,
        Condition: { ...s.Condition, "ForAllValues:StringEquals": { ...s.Condition?.["ForAllValues:StringEquals"], [key]: "x" } },
      }));
      expect(trustPolicyAllows(changed, honest())).toBe(false);
    },
  );

  it("refuses a Null condition with anything but \"true\" or \"false\"", () => {
    const changed = withStatement((s) => ({ ...s, Condition: { ...s.Condition, Null: { "aws:RequestTag/tenantId": "no" } } }));
    expect(trustPolicyAllows(changed, honest())).toBe(false);
  });

  it.each([
    ["NotPrincipal", (s: PolicyStatement) => ({ ...s, Principal: undefined, NotPrincipal: { AWS: OTHER_ROLE } })],
    ["NotPrincipal beside Principal", (s: PolicyStatement) => ({ ...s, NotPrincipal: { AWS: OTHER_ROLE } })],
    ["NotAction", (s: PolicyStatement) => ({ ...s, Action: undefined, NotAction: "sts:AssumeRoleWithSAML" })],
    ["NotAction beside Action", (s: PolicyStatement) => ({ ...s, NotAction: "sts:AssumeRoleWithSAML" })],
    ["Resource", (s: PolicyStatement) => ({ ...s, Resource: "*" })],
    ["an unknown element", (s: PolicyStatement) => ({ ...s, Extra: true })],
    ["a Federated principal", (s: PolicyStatement) => ({ ...s, Principal: { AWS: CHAT_ROLE, Federated: "cognito-identity.amazonaws.com" } })],
    ["an empty Principal", (s: PolicyStatement) => ({ ...s, Principal: {} })],
    ["an unknown Effect", (s: PolicyStatement) => ({ ...s, Effect: "allow" })],
  ])("refuses a statement with %s", (_what, change) => {
    expect(trustPolicyAllows(withStatement(change), honest())).toBe(false);
  });

  it.each([
    ["Principal *", (s: PolicyStatement) => ({ ...s, Principal: "*" })],
    ["Principal AWS *", (s: PolicyStatement) => ({ ...s, Principal: { AWS: "*" } })],
    ["a wildcard role ARN", (s: PolicyStatement) => ({ ...s, Principal: { AWS: "arn:aws:iam::000000000000:role/*" } })],
    ["Action *", (s: PolicyStatement) => ({ ...s, Action: "*" })],
    ["Action sts:*", (s: PolicyStatement) => ({ ...s, Action: "sts:*" })],
    ["Action sts:Assume?ole", (s: PolicyStatement) => ({ ...s, Action: ["sts:Assume?ole", "sts:TagSession"] })],
  ])("refuses a wildcard: %s", (_what, change) => {
    expect(trustPolicyAllows(withStatement(change), honest())).toBe(false);
  });

  it("refuses when a Deny statement matches, and when a Deny statement is not understood", () => {
    const deny = { Effect: "Deny", Principal: { AWS: CHAT_ROLE }, Action: "sts:AssumeRole" };
    expect(trustPolicyAllows(withStatement(same, deny), honest())).toBe(false);
    const unreadDeny = { ...deny, Principal: { AWS: OTHER_ROLE }, Condition: { StringNotLike: { "aws:RequestTag/userId": "x" } } };
    expect(trustPolicyAllows(withStatement(same, unreadDeny), honest())).toBe(false);
    // A Deny it reads that names someone else leaves the honest request allowed.
    expect(trustPolicyAllows(withStatement(same, { ...deny, Principal: { AWS: OTHER_ROLE } }), honest())).toBe(true);
  });

  it("refuses a document it cannot read at all", () => {
    expect(trustPolicyAllows({ ...policy, Version: "2008-10-17" } as unknown as PolicyDocument, honest())).toBe(false);
    expect(trustPolicyAllows({ Version: "2012-10-17", Statement: {} } as unknown as PolicyDocument, honest())).toBe(false);
    expect(trustPolicyAllows({ Version: "2012-10-17", Statement: [] }, honest())).toBe(false);
  });
});
