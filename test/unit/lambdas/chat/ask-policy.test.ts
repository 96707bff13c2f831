/** The ask decision (invariants 5 and 6) as a pure function. */
import { decideAsk } from "../../../../lambdas/chat/ask-policy";
import {
  CONNECTION_A,
  NOW,
  TENANT_A,
  TOKEN_EXPIRES_AT,
  USER_A,
  USER_B,
  answerIdOf,
  recordFor,
} from "./fixtures";

describe("decideAsk", () => {
  const message = { action: "ask" as const, answerId: answerIdOf(), conversationId: "c-1", prompt: "hello" };
  const caller = { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: TOKEN_EXPIRES_AT };
  const base = { message, caller, connectionId: CONNECTION_A, record: recordFor(), now: NOW };

  it("allows the owner", () => expect(decideAsk(base)).toEqual({ ok: true }));
  it("checks the answerId prefix first", () =>
    expect(decideAsk({ ...base, message: { ...message, answerId: answerIdOf(USER_B) }, record: undefined })).toMatchObject({
      code: "forbidden",
    }));
  it("refuses a record for another connection id", () =>
    expect(decideAsk({ ...base, connectionId: "other" })).toMatchObject({ ok: false, code: "forbidden" }));
});
