/** The client's half of the WebSocket protocol: parse every client frame without throwing. */
import { MAX_MESSAGE_BYTES, PROMPT_MAX_CHARS, parseClientMessage } from "../../../../lambdas/common/protocol";

const ANSWER_ID = "11111111-1111-4111-8111-111111111111.q-1";
const ask = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ action: "ask", answerId: ANSWER_ID, conversationId: "c-1", prompt: "hi", ...fields });

describe("parseClientMessage", () => {
  it("parses ask and ping", () => {
    expect(parseClientMessage(ask())).toEqual({
      ok: true,
      message: { action: "ask", answerId: ANSWER_ID, conversationId: "c-1", prompt: "hi" },
    });
    expect(parseClientMessage('{"action":"ping"}')).toEqual({ ok: true, message: { action: "ping" } });
  });

  it.each([
    [null, "empty message"],
    [undefined, "empty message"],
    ["", "empty message"],
    ["{", "message is not valid JSON"],
    ["42", "message must be a JSON object"],
    ["null", "message must be a JSON object"],
    ["[]", "message must be a JSON object"],
    ['{"action":"drop"}', 'unknown action "drop"'],
    ['{"prompt":"x"}', "unknown action"],
  ])("refuses %p with %s", (body, message) => {
    const result = parseClientMessage(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it("refuses a frame over the byte limit before parsing it", () => {
    const body = ask({ prompt: "€".repeat(Math.ceil(MAX_MESSAGE_BYTES / 3) + 1) });
    expect(parseClientMessage(body)).toEqual({ ok: false, message: `message exceeds ${MAX_MESSAGE_BYTES} bytes` });
  });

  it("bounds the prompt length and keeps the answerId for the error", () => {
    expect(parseClientMessage(ask({ prompt: "x".repeat(PROMPT_MAX_CHARS) })).ok).toBe(true);
    expect(parseClientMessage(ask({ prompt: "x".repeat(PROMPT_MAX_CHARS + 1) }))).toEqual({
      ok: false,
      message: `prompt: prompt must be at most ${PROMPT_MAX_CHARS} characters`,
      answerId: ANSWER_ID,
    });
  });

  it("refuses unknown fields (no client-chosen identity)", () => {
    const result = parseClientMessage(ask({ tenantId: "tenant2" }));
    expect(result.ok).toBe(false);
  });

  it.each([
    ["filter", { equals: { key: "tenantId", value: "tenant2" } }],
    ["sessionState", { knowledgeBaseConfigurations: [] }],
    ["knowledgeBaseConfigurations", [{ knowledgeBaseId: "KB", retrievalConfiguration: {} }]],
    ["knowledgeBase", "KBASE12345"],
    ["retrievalConfiguration", { vectorSearchConfiguration: {} }],
  ])("refuses an ask carrying a retrieval field %s (I18), naming it, keeping the answerId", (field, value) => {
    expect(parseClientMessage(ask({ [field]: value }))).toEqual({
      ok: false,
      message: `Unrecognized key: "${field}"`,
      answerId: ANSWER_ID,
    });
  });

  it("does not echo a long unknown action in full", () => {
    const result = parseClientMessage(JSON.stringify({ action: "x".repeat(500) }));
    expect(!result.ok && result.message.length).toBeLessThan(60);
  });
});
