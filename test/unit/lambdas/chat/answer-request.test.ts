/** The answer-step payload: round-trips, and is refused when it does not add up. */
import { AnswerRequestError, answerRequest, isAnswerRequestLike, parseAnswerRequest } from "../../../../lambdas/chat/answer-request";
import {
  CONNECTION_A,
  TENANT_A,
  TOKEN_EXPIRES_AT,
  USER_A,
  USER_B,
  answerIdOf,
} from "./fixtures";

describe("answer request payload", () => {
  const message = { action: "ask" as const, answerId: answerIdOf(), conversationId: "c-1", prompt: "hello" };
  const caller = { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: TOKEN_EXPIRES_AT };

  it("round-trips through the parser", () => {
    const payload = answerRequest(message, caller, CONNECTION_A);
    expect(isAnswerRequestLike(payload)).toBe(true);
    expect(parseAnswerRequest(JSON.parse(JSON.stringify(payload)))).toEqual(payload);
  });

  it("refuses an answerId that is not the userId's", () => {
    const payload = { ...answerRequest(message, caller, CONNECTION_A), answerId: answerIdOf(USER_B) };
    expect(() => parseAnswerRequest(payload)).toThrow(new AnswerRequestError("answer request: answerId does not belong to userId"));
  });

  it("names the invalid fields without echoing their values", () => {
    const payload = { ...answerRequest(message, caller, CONNECTION_A), tenantId: "EVIL TENANT", extra: 1 };
    let error: unknown;
    try {
      parseAnswerRequest(payload);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnswerRequestError);
    expect((error as Error).message).toContain("tenantId");
    expect((error as Error).message).not.toContain("EVIL");
  });
});
