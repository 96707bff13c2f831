import { ERROR_CODES } from "../../../../lambdas/shared/protocol";
import { answerErrorMessage, signInErrorMessage } from "../../../../web/js/messages.js";

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

  it("explains a refused new password with Cognito's rule", () => {
    expect(signInErrorMessage("InvalidPasswordException", "Password does not conform to policy: Password not long enough", "new_password")).toBe(
      "That password is not allowed: Password not long enough.",
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
    ["Weird", "Sign-in failed"],
    ["toString", "Sign-in failed"],
  ])("%s → %s", (type, text) => {
    expect(signInErrorMessage(type)).toContain(text);
  });
});
