/** What the offboarding function does with each event shape (pure). */
import { OFFBOARDING_EVENT_NAMES, parseTrigger } from "../../../../lambdas/offboarding/triggers";
import { offboardingEventPattern } from "../../../../infra/offboarding-rule";
import { managementEvent } from "../../../../local/cognito/management-events";
import { matchesPattern } from "../../../../local/eventbridge/event-bus";

const POOL = "us-east-1_Abc123";
const SUB = "11111111-1111-4111-8111-111111111111";
const o = { userPoolId: POOL, nowSeconds: 1_900_000_000 };
const TIME = new Date("2026-12-02T08:00:00.000Z");
const event = (eventName: string, extra: Partial<Parameters<typeof managementEvent>[0]> = {}) =>
  managementEvent({ eventName, region: "us-east-1", accountId: "000000000000", time: TIME, id: "e1", userPoolId: POOL, username: "alice", ...extra });

describe("parseTrigger", () => {
  it.each(OFFBOARDING_EVENT_NAMES)("offboards on %s, revoking at the event's time", (name) => {
    expect(parseTrigger(event(name), o)).toEqual({ kind: "offboard", target: { username: "alice" }, revokedAt: TIME.getTime() / 1000, reason: name });
  });

  it("prefers the sub when the event carries one (access-token calls)", () => {
    const e = managementEvent({ eventName: "GlobalSignOut", region: "us-east-1", accountId: "0", time: TIME, id: "e", sub: SUB });
    expect(parseTrigger(e, o)).toMatchObject({ kind: "offboard", target: { userId: SUB } });
  });

  it("reconciles when Cognito hides the username", () => {
    expect(parseTrigger(event("AdminDisableUser", { username: "HIDDEN_DUE_TO_SECURITY_REASONS" }), o)).toMatchObject({ target: { reconcile: true } });
  });

  it("takes the operator's direct request by sub", () => {
    expect(parseTrigger({ offboard: { userId: SUB } }, o)).toEqual({ kind: "offboard", target: { userId: SUB }, revokedAt: o.nowSeconds, reason: "operator" });
    expect(parseTrigger({ offboard: { userId: "alice" } }, o)).toMatchObject({ kind: "ignore" });
  });

  it.each([
    ["another pool", event("AdminDisableUser", { userPoolId: "us-east-1_Other1" })],
    ["a failed call", { ...event("AdminDisableUser"), detail: { ...event("AdminDisableUser").detail, errorCode: "UserNotFoundException" } }],
    ["another operation", event("AdminEnableUser")],
    ["RevokeToken (one session, not the user)", event("RevokeToken")],
    ["another service", { ...event("AdminDisableUser"), detail: { ...event("AdminDisableUser").detail, eventSource: "iam.amazonaws.com" } }],
    ["not CloudTrail", { "detail-type": "Scheduled Event" }],
    ["garbage", "AdminDisableUser"],
  ])("ignores %s", (_label, e) => {
    expect(parseTrigger(e, o).kind).toBe("ignore");
  });
});

describe("the EventBridge rule (infra/offboarding-rule.ts)", () => {
  it("matches exactly the events the function acts on", () => {
    for (const name of OFFBOARDING_EVENT_NAMES) expect(matchesPattern(offboardingEventPattern(), event(name))).toBe(true);
    expect(matchesPattern(offboardingEventPattern(), event("AdminEnableUser"))).toBe(false);
    expect(matchesPattern(offboardingEventPattern(), event("RevokeToken"))).toBe(false);
  });
});
