/**
 * The AWS-shaped refusals the Cognito gate answers with, and the rewrite of the few
 * cognito-local errors whose type or wording differs from AWS in a way a client can
 * observe (and could use to enumerate users).
 */

/** Exact AWS wording, so clients and tests see what they would see on AWS. */
export const COGNITO_MESSAGES = {
  incorrectCredentials: "Incorrect username or password.",
  signUpNotPermitted: "SignUp is not permitted for this user pool",
  unauthorizedAttribute: "A client attempted to write unauthorized attribute",
  invalidSession: "Invalid session for the user.",
  expiredSession: "Invalid session for the user, session is expired.",
  invalidAccessToken: "Invalid Access Token",
  expiredAccessToken: "Access Token has expired",
  /**
   * A right temporary password older than the pool's TemporaryPasswordValidityDays
   * (wording seen from Cognito in client code handling it, checked 2026-12-02; older
   * pools answered "User account has expired, it must be reset by an administrator.").
   */
  temporaryPasswordExpired: "Temporary password has expired and must be reset by an administrator.",
} as const;

/** AWS answers a write of an immutable attribute with `user.<name>: Attribute cannot be updated.` */
export function immutableAttributeMessage(name: string): string {
  return `user.${name}: Attribute cannot be updated.`;
}

/** What SigV4 verification and IAM evaluation refuse operator (IAM-authorized) calls with. */
export const OPERATOR_AUTH_ERROR_TYPES = [
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
  "InvalidSignatureException",
  "UnrecognizedClientException",
  "ExpiredTokenException",
  "AccessDeniedException",
] as const;
export type OperatorAuthErrorType = (typeof OPERATOR_AUTH_ERROR_TYPES)[number];

export type CognitoErrorType =
  | "NotAuthorizedException"
  | "InvalidParameterException"
  | "InvalidPasswordException"
  | "SerializationException"
  | "UnknownOperationException"
  | "InternalErrorException"
  | "ResourceNotFoundException"
  | OperatorAuthErrorType;

/**
 * How Cognito answers an IAM denial: AccessDeniedException with HTTP 400, as the
 * other JSON 1.1 (Coral) services do for identity-policy denials.
 */
export const COGNITO_IAM_DENIAL = { status: 400, code: "AccessDeniedException" } as const;

/** A request the gate refuses; `code` is the AWS exception name the client sees. */
export class CognitoGateRefusal extends Error {
  constructor(readonly code: CognitoErrorType, message: string, readonly status = 400) {
    super(message);
    this.name = "CognitoGateRefusal";
  }
}

/**
 * A refusal from SigV4 verification or IAM evaluation (LocalAwsError-shaped: status,
 * code, message), as the gate answers it. A code outside the known set is an internal
 * error, never a pass: the caller must not learn more than "refused".
 */
export function operatorAuthRefusal(error: { status: number; code: string; message: string }): CognitoGateRefusal {
  const known = (OPERATOR_AUTH_ERROR_TYPES as readonly string[]).includes(error.code);
  if (!known) return new CognitoGateRefusal("InternalErrorException", "Internal error", 500);
  return new CognitoGateRefusal(error.code as OperatorAuthErrorType, error.message, error.status);
}

export const incorrectCredentials = () => new CognitoGateRefusal("NotAuthorizedException", COGNITO_MESSAGES.incorrectCredentials);

export interface AwsJsonErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The AWS JSON 1.1 error: `__type` in the body and `x-amzn-errortype` in the headers. CORS
 * headers too, since the web page calls Cognito from another origin and must read the type.
 */
export function awsErrorResponse(refusal: CognitoGateRefusal): AwsJsonErrorResponse {
  return {
    status: refusal.status,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-errortype": refusal.code,
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "x-amzn-errortype, x-amzn-requestid",
    },
    body: JSON.stringify({ __type: refusal.code, message: refusal.message }),
  };
}

/** Operations where AWS reports every credential failure the same way, user known or not. */
const PASSWORD_CHECKING_OPERATIONS = new Set(["InitiateAuth", "AdminInitiateAuth", "ChangePassword"]);
const CREDENTIAL_FAILURES = new Set(["InvalidPasswordException", "UserNotFoundException", "NotAuthorizedException"]);

/**
 * cognito-local answers a wrong password with InvalidPasswordException and an unknown user
 * with NotAuthorized "User not authorized"; AWS (preventUserExistenceErrors) answers both
 * with NotAuthorized "Incorrect username or password.". Returns the replacement, if any.
 */
export function rewriteUpstreamError(operation: string, authFlow: string | undefined, errorType: string): CognitoGateRefusal | undefined {
  if (!PASSWORD_CHECKING_OPERATIONS.has(operation) || !CREDENTIAL_FAILURES.has(errorType)) return undefined;
  // A refresh-token sign-in has no password: its NotAuthorized is about the token.
  if (authFlow !== undefined && /REFRESH_TOKEN/.test(authFlow)) return undefined;
  return incorrectCredentials();
}

/** "com.amazonaws…#NotAuthorizedException" or "NotAuthorizedException:http://…" → "NotAuthorizedException". */
export function errorTypeName(raw: unknown): string | undefined {
  if (typeof raw !== "string" || raw.length === 0) return undefined;
  const afterHash = raw.includes("#") ? raw.slice(raw.lastIndexOf("#") + 1) : raw;
  return afterHash.split(":")[0];
}
