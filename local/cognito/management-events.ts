/**
 * The user pool's CloudTrail management events as EventBridge delivers them ("AWS API
 * Call via CloudTrail", source `aws.cognito-idp`), built by the local Cognito gate for the
 * calls that end a user's access, so the local stack reaches the offboarding function the
 * way AWS does (docs/architecture.md I17). Pure.
 *
 * Shape as AWS documents it (EventBridge "AWS API Call via CloudTrail"; Cognito's
 * CloudTrail events, checked 2026-12-02): admin calls carry `requestParameters`
 * `{userPoolId, username}`; calls made with an access token carry no pool id, and the
 * token itself is hidden. Here access-token calls name the user by
 * `additionalEventData.sub`; the offboarding function also copes with a hidden username.
 */
export const OFFBOARDING_OPERATIONS: ReadonlySet<string> = new Set([
  "AdminDisableUser",
  "AdminDeleteUser",
  "AdminUserGlobalSignOut",
  "GlobalSignOut",
  "DeleteUser",
]);

export interface ManagementEventInput {
  eventName: string;
  region: string;
  accountId: string;
  /** Admin calls. */
  userPoolId?: string;
  username?: string;
  /** Access-token calls: the caller's sub. */
  sub?: string;
  time: Date;
  id: string;
}

export interface CloudTrailEvent {
  version: "0";
  id: string;
  "detail-type": "AWS API Call via CloudTrail";
  source: "aws.cognito-idp";
  account: string;
  time: string;
  region: string;
  resources: [];
  detail: Record<string, unknown>;
}

export function managementEvent(i: ManagementEventInput): CloudTrailEvent {
  const time = `${i.time.toISOString().slice(0, 19)}Z`;
  const admin = i.userPoolId !== undefined;
  return {
    version: "0",
    id: i.id,
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.cognito-idp",
    account: i.accountId,
    time,
    region: i.region,
    resources: [],
    detail: {
      eventVersion: "1.08",
      eventTime: time,
      eventSource: "cognito-idp.amazonaws.com",
      eventName: i.eventName,
      awsRegion: i.region,
      requestParameters: admin ? { userPoolId: i.userPoolId, username: i.username } : { accessToken: "HIDDEN_DUE_TO_SECURITY_REASONS" },
      responseElements: null,
      ...(i.sub !== undefined ? { additionalEventData: { sub: i.sub } } : {}),
      eventType: "AwsApiCall",
      managementEvent: true,
      eventCategory: "Management",
    },
  };
}
