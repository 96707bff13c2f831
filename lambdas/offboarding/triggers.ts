/**
 * What the offboarding function is asked to do, from the two shapes it is invoked with
 * (pure, so every malformed event is tested without AWS):
 *
 * - EventBridge's "AWS API Call via CloudTrail" for the user pool's management events
 *   (AdminDisableUser, AdminDeleteUser, AdminUserGlobalSignOut, GlobalSignOut,
 *   DeleteUser): the way changes made outside the users CLI (console, AWS CLI, SDKs)
 *   reach the system. Cognito may hide the username in CloudTrail
 *   (`HIDDEN_FOR_SECURITY_REASONS`, AWS Cognito developer guide, checked 2026-12-02);
 *   then the user is found by `additionalEventData.sub` when present, else by
 *   reconciling the owners of open connections with the pool.
 * - A direct invocation by the operator's users CLI: `{"offboard": {"userId": "<sub>"}}`.
 *
 * Failed calls (an `errorCode` in the event) change nothing and are ignored.
 */
import { isSub } from "../common/identifiers";

/** The user pool management events that end a user's access. RevokeToken is not one: it ends one session, not the user. */
export const OFFBOARDING_EVENT_NAMES = [
  "AdminDisableUser",
  "AdminDeleteUser",
  "AdminUserGlobalSignOut",
  "GlobalSignOut",
  "DeleteUser",
] as const;
export type OffboardingEventName = (typeof OFFBOARDING_EVENT_NAMES)[number];

export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";
export const COGNITO_EVENT_SOURCE = "cognito-idp.amazonaws.com";

/** Who to offboard: by sub, by username (resolved with the pool), or unknown (reconcile). */
export type OffboardingTarget = { userId: string } | { username: string } | { reconcile: true };

export type OffboardingTrigger =
  | { kind: "offboard"; target: OffboardingTarget; revokedAt: number; reason: string }
  | { kind: "ignore"; why: string };

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Usernames are 1–128 characters; Cognito hides them as `HIDDEN_…` in CloudTrail. */
function visibleUsername(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > 128) return undefined;
  return value.startsWith("HIDDEN_") ? undefined : value;
}

/** Epoch seconds of an ISO 8601 time, or undefined. */
function epochSeconds(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : undefined;
}

export function parseTrigger(event: unknown, o: { userPoolId: string; nowSeconds: number }): OffboardingTrigger {
  const e = asObject(event);
  if (!e) return { kind: "ignore", why: "not an object" };

  const direct = asObject(e.offboard);
  if (direct) {
    if (!isSub(direct.userId)) return { kind: "ignore", why: "offboard.userId is not a sub" };
    return { kind: "offboard", target: { userId: direct.userId }, revokedAt: o.nowSeconds, reason: "operator" };
  }

  if (e["detail-type"] !== CLOUDTRAIL_DETAIL_TYPE) return { kind: "ignore", why: "not a CloudTrail API call" };
  const detail = asObject(e.detail);
  if (!detail || detail.eventSource !== COGNITO_EVENT_SOURCE) return { kind: "ignore", why: "not a Cognito event" };
  const eventName = detail.eventName;
  if (typeof eventName !== "string" || !(OFFBOARDING_EVENT_NAMES as readonly string[]).includes(eventName)) {
    return { kind: "ignore", why: "not an offboarding event" };
  }
  if (detail.errorCode !== undefined && detail.errorCode !== null && detail.errorCode !== "") {
    return { kind: "ignore", why: "the call failed" };
  }
  const request = asObject(detail.requestParameters) ?? {};
  // Access-token calls (GlobalSignOut, DeleteUser) may carry no pool id; admin calls must name ours.
  if (request.userPoolId !== undefined && request.userPoolId !== o.userPoolId) return { kind: "ignore", why: "another user pool" };
  const revokedAt = epochSeconds(detail.eventTime) ?? epochSeconds(e.time) ?? o.nowSeconds;
  const sub = asObject(detail.additionalEventData)?.sub;
  const username = visibleUsername(request.username);
  const target: OffboardingTarget = isSub(sub) ? { userId: sub } : username !== undefined ? { username } : { reconcile: true };
  return { kind: "offboard", target, revokedAt, reason: eventName };
}
