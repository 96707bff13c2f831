import { allowPolicy, denyPolicy, methodArnOf } from "../../../../lambdas/authorizer/policy";
import { AuthorizationError } from "../../../../lambdas/authorizer/errors";

const ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef123/dev/$connect";
const IDENTITY = { userId: "0f8fad5b-d9cb-469f-a165-70867728950e", tenantId: "tenant1", tokenExpiresAt: 1_900_000_000 };

describe("allowPolicy", () => {
  it("allows exactly the methodArn and carries the identity as primitive context values", () => {
    const policy = allowPolicy(ARN, IDENTITY);
    expect(policy).toEqual({
      principalId: IDENTITY.userId,
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: ARN }],
      },
      context: { userId: IDENTITY.userId, tenantId: "tenant1", tokenExpiresAt: 1_900_000_000 },
    });
    // API Gateway accepts only string/number/boolean context values.
    for (const value of Object.values(policy.context ?? {})) expect(["string", "number", "boolean"]).toContain(typeof value);
  });

  it("refuses (throws, so the handler denies) rather than allow with a context the chat function would refuse", () => {
    expect(() => allowPolicy(ARN, { ...IDENTITY, tenantId: "tenant1/../tenant2" })).toThrow(TypeError);
    expect(() => allowPolicy(ARN, { ...IDENTITY, userId: "admin" })).toThrow(TypeError);
  });
});

describe("denyPolicy", () => {
  it("denies and carries no identity", () => {
    const policy = denyPolicy(ARN);
    expect(policy.policyDocument.Statement[0]).toEqual({ Action: "execute-api:Invoke", Effect: "Deny", Resource: ARN });
    expect(policy.context).toBeUndefined();
  });

  it("denies everything when the methodArn is unknown", () => {
    expect(denyPolicy(undefined).policyDocument.Statement[0].Resource).toBe("*");
  });
});

describe("methodArnOf", () => {
  it("returns a well-formed WebSocket methodArn", () => {
    expect(methodArnOf({ methodArn: ARN })).toBe(ARN);
  });

  it.each([[undefined], [""], [42], ["*"], ["arn:aws:execute-api:eu-west-1:123456789012:*"], ["arn:aws:s3:::bucket"]])(
    "rejects %p",
    (methodArn) => {
      expect(() => methodArnOf({ methodArn })).toThrow(AuthorizationError);
    },
  );
});
