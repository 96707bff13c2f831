/**
 * Which user-pool API operations an app client may call without IAM credentials (the
 * "public" ones, authorized by a client id, a password, a session or an access token) and
 * what IAM request every other operation is: on AWS, Admin* and pool / client management
 * calls must be SigV4-signed and allowed `cognito-idp:<Operation>` on the user pool.
 * Pure: no I/O, so the classification is tested on its own.
 */
import type { AwsContext } from "../../infra/policies";
import { CognitoGateRefusal } from "./errors";

/**
 * Exactly the operations the AWS service model marks as not SigV4-authenticated
 * (`smithy.api#noAuth` in @aws-sdk/client-cognito-identity-provider; the unit test keeps
 * the two in step). Anything not listed, including names this list has never heard of, is
 * an operator call: default-deny.
 */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set([
  "AssociateSoftwareToken",
  "ChangePassword",
  "CompleteWebAuthnRegistration",
  "ConfirmDevice",
  "ConfirmForgotPassword",
  "ConfirmSignUp",
  "DeleteUser",
  "DeleteUserAttributes",
  "DeleteWebAuthnCredential",
  "ForgetDevice",
  "ForgotPassword",
  "GetDevice",
  "GetTokensFromRefreshToken",
  "GetUser",
  "GetUserAttributeVerificationCode",
  "GetUserAuthFactors",
  "GlobalSignOut",
  "InitiateAuth",
  "ListDevices",
  "ListUserSessions",
  "ListWebAuthnCredentials",
  "ResendConfirmationCode",
  "RespondToAuthChallenge",
  "RevokeToken",
  "RevokeUserSession",
  "SetUserMFAPreference",
  "SetUserSettings",
  "SignUp",
  "StartWebAuthnRegistration",
  "UpdateAuthEventFeedback",
  "UpdateDeviceStatus",
  "UpdateUserAttributes",
  "VerifySoftwareToken",
  "VerifyUserAttribute",
]);

/**
 * The public operations the local pool serves: what the web page (web/js/cognito.js:
 * InitiateAuth incl. REFRESH_TOKEN_AUTH, RespondToAuthChallenge, RevokeToken) and the
 * tests use, plus the signed-in user's own profile calls, each checked by the gate.
 * SignUp stays so the gate can answer it as AWS answers an operator-only pool. Every
 * other public operation is refused before cognito-local sees it: cognito-local takes
 * shortcuts in them (ConfirmForgotPassword compares `undefined !== undefined` for an
 * operator-created user, so no code resets anyone's password) and the system needs none.
 */
export const SERVED_PUBLIC_OPERATIONS: ReadonlySet<string> = new Set([
  "InitiateAuth",
  "RespondToAuthChallenge",
  "GetUser",
  "UpdateUserAttributes",
  "DeleteUserAttributes",
  "ChangePassword",
  "GlobalSignOut",
  "RevokeToken",
  "SignUp",
]);

/**
 * Self-service password recovery: the pool recovers accounts `admin_only`
 * (infra/user-pool-settings.ts ACCOUNT_RECOVERY_MECHANISMS), so only an operator resets a
 * password, and Cognito refuses these for the user.
 */
const PASSWORD_RECOVERY_OPERATIONS: ReadonlySet<string> = new Set(["ForgotPassword", "ConfirmForgotPassword"]);

/** AWS's answer to self-service recovery in a pool whose users cannot reset their password. */
export const PASSWORD_RESET_REFUSAL_MESSAGE = "User password cannot be reset in the current state.";

/**
 * The refusal for a public operation the local pool does not serve, or undefined when it
 * is served (or not public: operator calls are authorized separately).
 */
export function unservedPublicOperationRefusal(operation: string): CognitoGateRefusal | undefined {
  if (!PUBLIC_OPERATIONS.has(operation) || SERVED_PUBLIC_OPERATIONS.has(operation)) return undefined;
  if (PASSWORD_RECOVERY_OPERATIONS.has(operation)) return new CognitoGateRefusal("NotAuthorizedException", PASSWORD_RESET_REFUSAL_MESSAGE);
  return new CognitoGateRefusal("NotAuthorizedException", `${operation} is not enabled for this user pool`);
}

export type OperationAccess = "public" | "operator";

/** Exact, case-sensitive match (cognito-local dispatches the same way): `initiateAuth` is not public. */
export function operationAccess(operation: string): OperationAccess {
  return PUBLIC_OPERATIONS.has(operation) ? "public" : "operator";
}

/** The service name operator calls must be signed for. */
export const COGNITO_SIGNING_SERVICE = "cognito-idp";

/** AWS's user pool id pattern; anything else must never be spliced into an ARN. */
const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
const MAX_USER_POOL_ID_LENGTH = 55;
const OPERATION_NAME = /^[A-Z][A-Za-z0-9]{0,127}$/;

export interface CognitoIamRequest {
  action: string;
  resourceArn: string;
}

export function userPoolArn(ctx: AwsContext, userPoolId: string): string {
  return `arn:${ctx.partition}:cognito-idp:${ctx.region}:${ctx.accountId}:userpool/${userPoolId}`;
}

/**
 * The IAM request an operator call makes: `cognito-idp:<Operation>` on the user pool the
 * body names, or on `*` for calls that name none (CreateUserPool, ListUserPools). A
 * malformed operation name or pool id is refused, so neither can widen the action or
 * the resource (`cognito-idp:*`, `userpool/*`).
 */
export function operatorIamRequest(ctx: AwsContext, operation: string, body: Readonly<Record<string, unknown>>): CognitoIamRequest {
  if (!OPERATION_NAME.test(operation)) {
    throw new CognitoGateRefusal("UnknownOperationException", `Unknown operation ${JSON.stringify(operation.slice(0, 64))}`);
  }
  const action = `${COGNITO_SIGNING_SERVICE}:${operation}`;
  if (operation === "CreateUserPool" || body.UserPoolId === undefined) return { action, resourceArn: "*" };
  const poolId = body.UserPoolId;
  if (typeof poolId !== "string" || poolId.length > MAX_USER_POOL_ID_LENGTH || !USER_POOL_ID.test(poolId)) {
    throw new CognitoGateRefusal(
      "InvalidParameterException",
      "1 validation error detected: Value at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
    );
  }
  return { action, resourceArn: userPoolArn(ctx, poolId) };
}
