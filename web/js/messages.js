/**
 * Human wording for every error the page can show. Server messages for `bad_request`
 * and `budget_exhausted` (which limit, and when it resets) are written for clients
 * (lambdas/common/protocol.ts, lambdas/chat/budgets.ts) and are shown as a detail;
 * other server text is not needed to understand what to do next.
 */
import { passwordPolicySentence } from "./password-policy.js";

const ANSWER_ERRORS = Object.freeze({
  bad_request: "The assistant could not accept this question.",
  forbidden: "This question was refused because it does not belong to your session. Please sign in again.",
  token_expired: "Your session expired. Reconnecting with a fresh sign-in; please ask again.",
  session_ended: "Your session has ended. Please sign in again.",
  throttled: "Too many questions at once, or the assistant is busy. Please wait a minute and ask again.",
  budget_exhausted: "The token budget for the assistant is used up.",
  agent_error: "The assistant could not answer this question. Please try again.",
  internal: "Something went wrong on our side. Please try again.",
  answer_dropped: "The assistant could not get to this question in time. Please ask again.",
  connection_lost: "The connection dropped before the answer finished. Please ask again.",
  interrupted: "This answer was interrupted (the page was reloaded or closed) before it finished; the text so far is kept.",
  // The page's own timeout (answer-watchdog.js): no event for this answer for 45 s.
  no_reply: "No reply from the assistant for a while, so the page stopped waiting. Press Retry to ask again.",
});

/**
 * The sentence to show for an error event's code (and, for bad input, what was wrong).
 * @param {string} code
 * @param {string} [serverMessage]
 * @returns {string}
 */
export function answerErrorMessage(code, serverMessage = "") {
  const known = messageFor(ANSWER_ERRORS, code);
  if (known === undefined) return "Something went wrong. Please try again.";
  if ((code === "bad_request" || code === "budget_exhausted") && serverMessage) return `${known} ${capitalise(serverMessage)}.`.replace(/\.\.$/, ".");
  return known;
}

const SIGN_IN_ERRORS = Object.freeze({
  // Same words for both, so the form does not reveal which usernames exist.
  NotAuthorizedException: "Incorrect username or password.",
  UserNotFoundException: "Incorrect username or password.",
  // At the password step this can only mean a wrong password: cognito-local answers a
  // wrong password of a confirmed user with InvalidPasswordException, AWS with NotAuthorized.
  InvalidPasswordException: "Incorrect username or password.",
  PasswordResetRequiredException: "Your password must be reset. Please contact your administrator.",
  UserNotConfirmedException: "Your account is not confirmed yet. Please contact your administrator.",
  TooManyRequestsException: "Too many attempts. Please wait a minute and try again.",
  LimitExceededException: "Too many attempts. Please wait a minute and try again.",
  TooManyFailedAttemptsException: "Too many attempts. Please wait a minute and try again.",
  NetworkError: "Cannot reach the sign-in service. Check your connection and try again.",
  UnsupportedChallenge: "This account needs a sign-in step this page does not support.",
  MissingFields: "Please enter your username and password.",
  // The app client (or its user pool) the page was configured with is gone, and reloading
  // the configuration did not help (config-reload.js): the service was redeployed or is
  // being restarted.
  ResourceNotFoundException: "The sign-in service does not recognise this page's settings. Reload the page; if that does not help, the service is being updated: try again in a few minutes.",
  InternalErrorException: "The sign-in service had a problem. Please try again in a moment.",
  ForbiddenException: "The sign-in request was blocked by the service's firewall. Please try again later or contact your administrator.",
  InvalidUserPoolConfigurationException: "The sign-in service is not set up correctly. Please contact your administrator.",
  InvalidLambdaResponseException: "The sign-in service is not set up correctly. Please contact your administrator.",
  UnexpectedLambdaException: "The sign-in service is not set up correctly. Please contact your administrator.",
  UserLambdaValidationException: "Your sign-in was refused by the service's checks. Please contact your administrator.",
  InvalidSmsRoleAccessPolicyException: "The sign-in service is not set up correctly. Please contact your administrator.",
  InvalidSmsRoleTrustRelationshipException: "The sign-in service is not set up correctly. Please contact your administrator.",
  InvalidEmailRoleAccessPolicyException: "The sign-in service is not set up correctly. Please contact your administrator.",
  UnsupportedOperationException: "This sign-in method is not enabled for this page. Please contact your administrator.",
  // cognito-local's answer to an auth flow it does not implement (local stack only).
  Unsupported: "This sign-in method is not enabled for this page. Please contact your administrator.",
  MFAMethodNotFoundException: "This account needs a second sign-in factor this page does not support.",
  SoftwareTokenMFANotFoundException: "This account needs a second sign-in factor this page does not support.",
  // Our own codes (cognito.js): an answer the page could not read.
  MalformedResponse: "The sign-in service sent an answer this page cannot read. Please try again in a moment.",
  UnknownError: "The sign-in service answered with an error this page does not know. Please try again in a moment.",
});

/**
 * The sentence for a failed sign-in step. `step` is "password" or "new_password":
 * during the new-password step NotAuthorized means the step timed out, and a password
 * the pool refuses is explained as the one rule to fix ("Use at least 12 characters.").
 * @param {string} type
 * @param {string} [serverMessage]
 * @param {"password" | "new_password"} [step]
 * @returns {string}
 */
export function signInErrorMessage(type, serverMessage = "", step = "password") {
  if (step === "new_password") {
    if (type === "InvalidPasswordException") {
      return passwordPolicySentence(serverMessage) ?? "That password is not allowed. Choose one that meets the rules listed above.";
    }
    if (type === "NotAuthorizedException" || type === "CodeMismatchException" || type === "ExpiredCodeException") {
      return "The sign-in step timed out. Please sign in again with your temporary password.";
    }
    if (type === "MissingFields") return "Please choose a new password.";
    if (type === "PasswordHistoryPolicyViolationException") return "You used that password before. Choose a new one.";
  }
  if (type === "InvalidParameterException") return "The sign-in request was not accepted. Check what you entered and try again.";
  // A code Cognito may add later: still say who answered, and keep the code for support.
  return messageFor(SIGN_IN_ERRORS, type) ?? `The sign-in service refused the request (${type.replace(/[^A-Za-z0-9]/g, "").slice(0, 60) || "no reason given"}). Please try again in a moment.`;
}

/** Why the page is back at the sign-in form (session.js change reasons), or "" for none. */
const SIGNED_OUT_NOTICES = Object.freeze({
  expired: "Your session expired. Please sign in again.",
  // The refresh token was refused: after a restart of the local stack (fresh users, new
  // passwords), a redeployment or a revocation, not the passing of time.
  revoked: "Your sign-in is no longer valid (the service may have been restarted). Please sign in again.",
  signed_out: "You are signed out.",
  signed_out_elsewhere: "You signed out in another tab. Please sign in again.",
  // The server refused to renew the connection: offboarded, signed out everywhere, or refused.
  session_ended: "Your session has ended. Please sign in again.",
});

/**
 * @param {string} reason
 * @returns {string}
 */
export function signedOutNotice(reason) {
  return messageFor(SIGNED_OUT_NOTICES, reason) ?? "";
}

/**
 * The table's own entry for `key` (never one inherited from Object.prototype).
 * @param {Readonly<Record<string, string>>} table
 * @param {string} key
 * @returns {string | undefined}
 */
function messageFor(table, key) {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** @param {string} text */
function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
