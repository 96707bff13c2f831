/**
 * local/iam/decision-cache.ts: each distinct request of a caller is evaluated once; the key
 * holds everything a decision depends on, so a changed context, resource or caller is a
 * new evaluation, and denials stay denials.
 */
import type { CredentialRecord } from "../../../../local/iam/credentials";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { decisionKey, IamDecisionCache, type CachedDecision, type DecisionRequest } from "../../../../local/iam/decision-cache";
import { evaluateIam } from "../../../../local/iam/policy-evaluation";

const registry = new CredentialRegistry();
const session = (userId: string): CredentialRecord =>
  registry.issueSession(
    {
      principalArn: `arn:aws:sts::000000000000:assumed-role/tenant-access/${userId}`,
      roleArn: "arn:aws:iam::000000000000:role/tenant-access",
      policies: [
        {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "dynamodb:GetItem",
              Resource: "arn:aws:dynamodb:us-east-1:000000000000:table/orders",
              Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["${aws:PrincipalTag/userId}"] } },
            },
          ],
        },
      ],
      sessionTags: { userId },
    },
    900,
  );
const read = (key: string): DecisionRequest => ({
  action: "dynamodb:GetItem",
  resourceArn: "arn:aws:dynamodb:us-east-1:000000000000:table/orders",
  context: { "dynamodb:LeadingKeys": [key] },
});

/** A cache over a counting stand-in for the simulator: allows only "own" keys. */
function counted() {
  const calls: string[] = [];
  const cache = new IamDecisionCache(3);
  const evaluate = async (caller: CredentialRecord, request: DecisionRequest): Promise<CachedDecision> => {
    calls.push(decisionKey(caller, request));
    const [key] = request.context?.["dynamodb:LeadingKeys"] as string[];
    return key === caller.sessionTags.userId ? "Allowed" : "ImplicitlyDenied";
  };
  return { calls, decide: (caller: CredentialRecord, request: DecisionRequest) => cache.decide(caller, request, evaluate), cache };
}

describe("IamDecisionCache", () => {
  it("evaluates a caller's request once, then answers from the cache (denials too)", async () => {
    const { calls, decide, cache } = counted();
    const alice = session("alice");
    for (let i = 0; i < 3; i++) {
      expect(await decide(alice, read("alice"))).toBe("Allowed");
      expect(await decide(alice, read("bob"))).toBe("ImplicitlyDenied");
    }
    expect(calls).toHaveLength(2);
    expect(cache.hits).toBe(4);
  });

  it("evaluates again for another caller, resource, action or context", async () => {
    const { calls, decide } = counted();
    const alice = session("alice");
    const bob = session("bob");
    expect(await decide(alice, read("alice"))).toBe("Allowed");
    expect(await decide(bob, read("alice"))).toBe("ImplicitlyDenied");
    expect(await decide(alice, { ...read("alice"), resourceArn: "arn:aws:dynamodb:us-east-1:000000000000:table/other" })).toBe("Allowed");
    expect(await decide(alice, { ...read("alice"), action: "dynamodb:PutItem" })).toBe("Allowed");
    expect(await decide(alice, { ...read("alice"), context: { "dynamodb:LeadingKeys": ["alice"], extra: "x" } })).toBe("Allowed");
    expect(calls).toHaveLength(5);
  });

  it("shares decisions between sessions of the same role, policies and tags (one user's sessions in several environments), not with other tags", async () => {
    const { calls, decide } = counted();
    const first = session("alice");
    const second = session("alice");
    expect(first.accessKeyId).not.toBe(second.accessKeyId);
    await decide(first, read("alice"));
    await decide(second, read("alice"));
    expect(calls).toHaveLength(1);
    const retagged = registry.issueSession({ ...first, sessionTags: { userId: "alice", tenantId: "tenant2" } }, 900);
    await decide(retagged, read("alice"));
    expect(calls).toHaveLength(2);
    const otherPolicy = registry.issueSession({ ...first, policies: [] }, 900);
    await decide(otherPolicy, read("alice"));
    expect(calls).toHaveLength(3);
  });

  it("keys context keys in any order alike, and forgets the oldest past its bound", async () => {
    const alice = session("alice");
    expect(decisionKey(alice, { ...read("a"), context: { x: "1", y: "2" } })).toBe(decisionKey(alice, { ...read("a"), context: { y: "2", x: "1" } }));
    const { calls, decide } = counted();
    for (const key of ["k1", "k2", "k3", "k4"]) await decide(alice, read(key));
    await decide(alice, read("k4"));
    expect(calls).toHaveLength(4);
    await decide(alice, read("k1"));
    expect(calls).toHaveLength(5);
  });

  it("through the simulator: the same answers as without a cache, repeated", async () => {
    const alice = session("alice");
    for (let i = 0; i < 2; i++) {
      expect(await evaluateIam(alice, read("alice"))).toBe("Allowed");
      expect(await evaluateIam(alice, read("bob"))).toBe("ImplicitlyDenied");
      expect(await evaluateIam(alice, { ...read("alice"), action: "dynamodb:DeleteItem" })).toBe("ImplicitlyDenied");
    }
  });

  it("the registry freezes what a key may do: its policies and session tags", () => {
    const alice = session("alice");
    expect(Object.isFrozen(alice.policies)).toBe(true);
    expect(Object.isFrozen(alice.sessionTags)).toBe(true);
    expect(() => (alice.sessionTags as Record<string, string>).userId = "bob").toThrow(TypeError);
  });
});
