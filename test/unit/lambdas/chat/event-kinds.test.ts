/** The entry's shape tests: each kind of event the chat function receives is told apart without parsing it. */
import { isAnswerRequestLike, isInvocationRecordLike } from "../../../../lambdas/chat/event-kinds";
import { isWebSocketEvent } from "../../../../lambdas/chat/websocket-event";

const answerRequest = { kind: "answer", answerId: "a", conversationId: "c", prompt: "p", connectionId: "x", userId: "u", tenantId: "t" };
const invocationRecord = { version: "1.0", requestContext: { condition: "EventAgeExceeded" }, requestPayload: answerRequest };
const webSocketEvent = { requestContext: { routeKey: "ask", connectionId: "c" }, body: "{}" };

describe("event kinds", () => {
  it("an answer request is recognised by its kind alone", () => {
    expect(isAnswerRequestLike(answerRequest)).toBe(true);
    expect(isAnswerRequestLike({ ...answerRequest, kind: "other" })).toBe(false);
    for (const other of [invocationRecord, webSocketEvent, null, undefined, "answer", 42]) expect(isAnswerRequestLike(other)).toBe(false);
  });

  it("an invocation record needs a condition and a request payload", () => {
    expect(isInvocationRecordLike(invocationRecord)).toBe(true);
    expect(isInvocationRecordLike({ requestContext: { condition: "RetriesExhausted" } })).toBe(false);
    expect(isInvocationRecordLike({ ...invocationRecord, requestContext: { condition: 1 } })).toBe(false);
    for (const other of [answerRequest, webSocketEvent, null, undefined, "record"]) expect(isInvocationRecordLike(other)).toBe(false);
  });

  it("no event is of two kinds", () => {
    for (const event of [answerRequest, invocationRecord, webSocketEvent]) {
      expect([isWebSocketEvent(event), isAnswerRequestLike(event), isInvocationRecordLike(event)].filter(Boolean)).toHaveLength(1);
    }
  });
});
