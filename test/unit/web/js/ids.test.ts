import { ANSWER_ID_PATTERN, ID_PIECE_PATTERN as SERVER_ID_PIECE, SUB_PATTERN as SERVER_SUB } from "../../../../lambdas/common/identifiers";
import { parseClientMessage } from "../../../../lambdas/common/protocol";
import { buildAnswerId, ID_PIECE_PATTERN, IdError, newConversationId, randomId, SUB_PATTERN } from "../../../../web/js/ids.js";
import { SUB } from "./fake-jwt";

describe("ids", () => {
  it("uses the same formats as the server", () => {
    expect(ID_PIECE_PATTERN.source).toBe(SERVER_ID_PIECE.source);
    expect(SUB_PATTERN.source).toBe(SERVER_SUB.source);
  });

  it("makes 32-hex random ids from the given bytes", () => {
    expect(randomId(() => new Uint8Array(16).fill(0xab))).toBe("ab".repeat(16));
    const a = randomId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(randomId()).not.toBe(a);
    expect(newConversationId()).toMatch(ID_PIECE_PATTERN);
  });

  it("builds <sub>.<id> answerIds that the server's parser accepts", () => {
    const answerId = buildAnswerId(SUB);
    expect(answerId.startsWith(`${SUB}.`)).toBe(true);
    expect(answerId).toMatch(ANSWER_ID_PATTERN);
    const parsed = parseClientMessage(JSON.stringify({ action: "ask", answerId, conversationId: newConversationId(), prompt: "hi" }));
    expect(parsed.ok).toBe(true);
  });

  it("refuses a sub that is not a Cognito sub and a bad id piece", () => {
    expect(() => buildAnswerId("tenant1-user")).toThrow(IdError);
    expect(() => buildAnswerId(SUB, "has.dot")).toThrow(IdError);
    expect(() => buildAnswerId(SUB, "x".repeat(49))).toThrow(IdError);
    expect(buildAnswerId(SUB, "abc-123")).toBe(`${SUB}.abc-123`);
  });
});
