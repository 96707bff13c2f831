/**
 * The EventBridge event pattern that sends the user pool's offboarding calls (made by
 * anyone: console, AWS CLI, SDKs, the users CLI) to the offboarding function (I17).
 * Pure; the event names are the function's own list, so rule and function cannot drift.
 *
 * EventBridge receives "AWS API Call via CloudTrail" events only while a CloudTrail trail
 * logs the region's management events, on a best-effort basis (EventBridge user guide,
 * "AWS service events delivered via AWS CloudTrail", checked 2026-12-02): the users CLI
 * therefore also invokes the function itself.
 */
import { CLOUDTRAIL_DETAIL_TYPE, COGNITO_EVENT_SOURCE, OFFBOARDING_EVENT_NAMES } from "../lambdas/offboarding/triggers";

export function offboardingEventPattern(): Record<string, unknown> {
  return {
    source: ["aws.cognito-idp"],
    "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: [COGNITO_EVENT_SOURCE], eventName: [...OFFBOARDING_EVENT_NAMES] },
  };
}
