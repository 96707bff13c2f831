import { ERROR_CODES } from "../../../../lambdas/common/server-events";
import { answerErrorMessage, signedOutNotice, signInErrorMessage } from "../../../../web/js/messages.js";

describe("answerErrorMessage", () => {
  it("has its own human sentence for every protocol error code", () => {
    const sentences = ERROR_CODES.map((code) => answerErrorMessage(code));
    expect(new Set(sentences).size).toBe(ERROR_CODES.length);
    for (const s of sentences) {
      expect(s).toMatch(/^[A-Z].*\.$/);
      expect(s).not.toBe(answerErrorMessage("no_such_code"));
    }
  });

  it("explains throttling, expiry and dropped connections", () => {
    expect(answerErrorMessage("throttled")).toMatch(/Too many questions.*wait a minute/);
    expect(answerErrorMessage("token_expired")).toContain("session expired");
    expect(answerErrorMessage("connection_lost")).toContain("connection dropped");
  });

  it("adds the server's detail for a used-up budget: which limit and when it resets", () => {
    expect(answerErrorMessage("budget_exhausted", "your daily token limit (100 tokens) is used up; it resets at midnight UTC (2026-12-03 00:00 UTC)")).toBe(
      "The token budget for the assistant is used up. Your daily token limit (100 tokens) is used up; it resets at midnight UTC (2026-12-03 00:00 UTC).",
    );
  });

  it("adds the server's detail for bad input only", () => {
    expect(answerErrorMessage("bad_request", "prompt must not be empty")).toBe(
      "The assistant could not accept this question. Prompt must not be empty.",
    );
    expect(answerErrorMessage("internal", "stack trace at x.js:1")).not.toContain("stack");
  });

  it("falls back to a generic sentence for unknown codes, even inherited property names", () => {
    expect(answerErrorMessage("constructor")).toBe("Something went wrong. Please try again.");
    expect(answerErrorMessage("new_code", "x")).toBe("Something went wrong. Please try again.");
  });
});

describe("signInErrorMessage", () => {
  it("does not reveal whether a username exists", () => {
    expect(signInErrorMessage("UserNotFoundException")).toBe(signInErrorMessage("NotAuthorizedException"));
    expect(signInErrorMessage("NotAuthorizedException")).toBe("Incorrect username or password.");
  });

  it.each([
    // cognito-local and the local gate say "did not conform with"; AWS says "does not conform to".
    ["Password did not conform with policy: Password not long enough", "Use at least 12 characters."],
    ["Password does not conform to policy: Password not long enough", "Use at least 12 characters."],
    ["Password did not conform with policy: Password must have uppercase characters", "Add an upper-case letter (A–Z)."],
    ["Password did not conform with policy: Password must have lowercase characters", "Add a lower-case letter (a–z)."],
    ["Password did not conform with policy: Password must have numeric characters", "Add a digit (0–9)."],
    ["Password did not conform with policy: Password must have symbol characters", "Add a symbol, such as ! ? # or -."],
  ])("turns a refused new password (%s) into one clean sentence", (server, sentence) => {
    const text = signInErrorMessage("InvalidPasswordException", server, "new_password");
    expect(text).toBe(sentence);
    expect(text).not.toMatch(/conform|policy|Password/);
  });

  it("explains a refused new password it cannot map by pointing at the listed rules", () => {
    for (const server of ["", "Password has previously been used", "Something new"]) {
      expect(signInErrorMessage("InvalidPasswordException", server, "new_password")).toBe(
        "That password is not allowed. Choose one that meets the rules listed above.",
      );
    }
    // At the password step the same exception still means a wrong password.
    expect(signInErrorMessage("InvalidPasswordException", "Password did not conform with policy: Password not long enough")).toBe(
      "Incorrect username or password.",
    );
  });

  it("treats NotAuthorized during the new-password step as a timed-out step", () => {
    expect(signInErrorMessage("NotAuthorizedException", "", "new_password")).toContain("timed out");
  });

  it.each([
    ["TooManyRequestsException", "Too many attempts"],
    ["NetworkError", "Cannot reach"],
    ["PasswordResetRequiredException", "must be reset"],
    ["MissingFields", "enter your username and password"],
    ["ResourceNotFoundException", "Reload the page"],
    ["Weird", "refused the request (Weird)"],
    ["toString", "refused the request (toString)"],
  ])("%s → %s", (type, text) => {
    expect(signInErrorMessage(type)).toContain(text);
  });

  // Every error InitiateAuth and RespondToAuthChallenge are documented to return
  // (aws-sdk-cognitoidentityprovider InitiateAuthError / RespondToAuthChallengeError,
  // checked 2026-12-02), cognito-local's Unsupported, and the page's own codes.
  const KNOWN = [
    "ForbiddenException", "InternalErrorException", "InvalidEmailRoleAccessPolicyException", "InvalidLambdaResponseException",
    "InvalidParameterException", "InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException",
    "InvalidUserPoolConfigurationException", "NotAuthorizedException", "PasswordResetRequiredException", "ResourceNotFoundException",
    "TooManyRequestsException", "UnexpectedLambdaException", "UnsupportedOperationException", "UserLambdaValidationException",
    "UserNotConfirmedException", "UserNotFoundException", "InvalidPasswordException", "MFAMethodNotFoundException",
    "SoftwareTokenMFANotFoundException", "LimitExceededException", "TooManyFailedAttemptsException", "Unsupported",
    "NetworkError", "UnsupportedChallenge", "MalformedResponse", "UnknownError", "MissingFields",
  ];

  it.each(KNOWN)("has a specific sentence for %s, in words an end user knows", (code) => {
    for (const step of ["password", "new_password"] as const) {
      const text = signInErrorMessage(code, "", step);
      expect(text).toMatch(/^[A-Z].*\.$/);
      expect(text).not.toMatch(/Sign-in failed|refused the request \(/);
      expect(text).not.toMatch(/\bstack\b|Exception|Lambda/);
    }
  });

  it("says so when a new password was used before", () => {
    expect(signInErrorMessage("PasswordHistoryPolicyViolationException", "", "new_password")).toBe("You used that password before. Choose a new one.");
  });

  it("keeps only a code's letters and digits in the fallback", () => {
    expect(signInErrorMessage("<b>x</b>")).toContain("(bxb)");
    expect(signInErrorMessage("")).toContain("(no reason given)");
  });
});

describe("signedOutNotice", () => {
  it("explains a refused refresh token (e.g. a restarted stack) apart from a plain expiry", () => {
    expect(signedOutNotice("revoked")).toBe("Your sign-in is no longer valid (the service may have been restarted). Please sign in again.");
    expect(signedOutNotice("expired")).toBe("Your session expired. Please sign in again.");
    expect(signedOutNotice("signed_out")).toBe("You are signed out.");
    expect(signedOutNotice("signed_out_elsewhere")).toBe("You signed out in another tab. Please sign in again.");
    expect(signedOutNotice("restored")).toBe("");
    expect(signedOutNotice("constructor")).toBe("");
  });
});
