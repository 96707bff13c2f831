/** Which error event a failed answer ends with. */
import { ThrottlingException, ValidationException } from "@aws-sdk/client-bedrock-agent-runtime";
import { AgentResponseError, classifyAnswerFailure, isThrottling } from "../../../../lambdas/chat/answer-failure";
import { ScopedCredentialsError } from "../../../../lambdas/shared/scoped-credentials";

describe("classifyAnswerFailure", () => {
  it.each([
    ["ThrottlingException", new ThrottlingException({ message: "x", $metadata: {} }), "throttled"],
    ["ValidationException", new ValidationException({ message: "x", $metadata: {} }), "agent_error"],
    ["a named DependencyFailedException", Object.assign(new Error("x"), { name: "DependencyFailedException" }), "agent_error"],
    ["AgentResponseError", new AgentResponseError("x"), "agent_error"],
    ["ScopedCredentialsError", new ScopedCredentialsError("assume_role_failed", "x"), "internal"],
    ["TypeError", new TypeError("x"), "internal"],
    ["a string", "oops", "internal"],
  ])("%s → %s", (_label, error, code) => {
    expect(classifyAnswerFailure(error)).toBe(code);
  });

  it("recognises throttling by name", () => {
    expect(isThrottling(Object.assign(new Error("x"), { name: "ThrottlingException" }))).toBe(true);
    expect(isThrottling(new Error("ThrottlingException"))).toBe(false);
  });
});
