import { parseClientMessage } from "../../../../lambdas/shared/protocol";
import type { Answer } from "../../../../web/js/answers.js";
import { checkPrompt, createChat, PROMPT_MAX_CHARS, type ChatView } from "../../../../web/js/chat.js";
import { answerErrorMessage } from "../../../../web/js/messages.js";
import { SUB } from "./fake-jwt";

function recordingView() {
  const log: string[] = [];
  const answers = new Map<string, { answer: Answer; error?: string }>();
  const view: ChatView = {
    addQuestion: (text) => log.push(`question:${text}`),
    addAnswer: (answer) => {
      answers.set(answer.answerId, { answer });
      log.push(`answer:${answer.answerId}`);
    },
    updateAnswer: (answer, error) => answers.set(answer.answerId, { answer, error }),
    notice: (text) => log.push(`notice:${text}`),
    clear: () => {
      answers.clear();
      log.push("clear");
    },
  };
  return { view, log, answers };
}

function setup(connected = true) {
  const sent: Record<string, unknown>[] = [];
  const { view, log, answers } = recordingView();
  let n = 0;
  let c = 0;
  const onTokenExpired = jest.fn();
  const chat = createChat({
    send: (m) => {
      if (!connected) return false;
      sent.push(m as Record<string, unknown>);
      return true;
    },
    getUser: () => ({ sub: SUB }),
    view,
    onTokenExpired,
    newId: () => `id${++n}`,
    newConversation: () => `conv${++c}`,
  });
  const frame = (event: object) => chat.handleFrame(JSON.stringify(event));
  return { chat, sent, log, answers, frame, onTokenExpired };
}

describe("checkPrompt", () => {
  it("trims and enforces 1–4000 characters", () => {
    expect(checkPrompt("  hi \n")).toEqual({ ok: true, prompt: "hi" });
    expect(checkPrompt("   ")).toEqual({ ok: false, reason: "empty" });
    expect(checkPrompt(undefined)).toEqual({ ok: false, reason: "empty" });
    expect(checkPrompt("x".repeat(PROMPT_MAX_CHARS))).toMatchObject({ ok: true });
    expect(checkPrompt("x".repeat(PROMPT_MAX_CHARS + 1))).toEqual({ ok: false, reason: "too_long" });
  });
});

describe("createChat", () => {
  it("sends an ask message the server's parser accepts, with answerId = <sub>.<id>", () => {
    const { chat, sent, log } = setup();
    expect(chat.ask("  Where is my order?  ")).toEqual({ ok: true, answerId: `${SUB}.id1` });
    expect(sent).toEqual([{ action: "ask", answerId: `${SUB}.id1`, conversationId: "conv1", prompt: "Where is my order?" }]);
    expect(parseClientMessage(JSON.stringify(sent[0]))).toEqual({ ok: true, message: sent[0] });
    expect(log).toEqual(["question:Where is my order?", `answer:${SUB}.id1`]);
  });

  it("keeps the question (and shows nothing) when it cannot be sent", () => {
    const offline = setup(false);
    expect(offline.chat.ask("hi")).toEqual({ ok: false, reason: "not_connected" });
    expect(offline.log).toEqual([]);
    const { chat, sent } = setup();
    expect(chat.ask("")).toEqual({ ok: false, reason: "empty" });
    expect(sent).toEqual([]);
  });

  it("refuses to ask without a signed-in user or with a sub that is not a Cognito sub", () => {
    const { view } = recordingView();
    const signedOut = createChat({ send: () => true, getUser: () => null, view });
    expect(signedOut.ask("hi")).toEqual({ ok: false, reason: "signed_out" });
    const odd = createChat({ send: () => true, getUser: () => ({ sub: "not-a-uuid" }), view });
    expect(odd.ask("hi")).toEqual({ ok: false, reason: "bad_identity" });
  });

  it("routes interleaved events of several questions in flight to the right answers", () => {
    const { chat, frame, answers } = setup();
    const a = (chat.ask("first") as { answerId: string }).answerId;
    const b = (chat.ask("second") as { answerId: string }).answerId;
    expect(chat.busy()).toBe(true);
    frame({ type: "accepted", answerId: a });
    frame({ type: "accepted", answerId: b });
    frame({ type: "status", answerId: b, text: "Looking up your orders" });
    frame({ type: "chunk", answerId: a, text: "A1 " });
    frame({ type: "chunk", answerId: b, text: "B1 " });
    frame({ type: "chunk", answerId: a, text: "A2" });
    frame({ type: "done", answerId: a });
    frame({ type: "chunk", answerId: b, text: "B2" });
    expect(answers.get(a)!.answer).toMatchObject({ phase: "done", text: "A1 A2", statuses: [] });
    expect(answers.get(b)!.answer).toMatchObject({ phase: "streaming", text: "B1 B2", statuses: ["Looking up your orders"] });
    expect(chat.busy()).toBe(true);
    frame({ type: "done", answerId: b });
    expect(chat.busy()).toBe(false);
  });

  it("shows the human sentence for an error event in its answer", () => {
    const { chat, frame, answers } = setup();
    const a = (chat.ask("q") as { answerId: string }).answerId;
    frame({ type: "error", answerId: a, code: "throttled", message: "Rate exceeded" });
    expect(answers.get(a)).toEqual({
      answer: expect.objectContaining({ phase: "error", error: { code: "throttled", message: "Rate exceeded" } }),
      error: answerErrorMessage("throttled"),
    });
  });

  it("ignores events for other answerIds and garbage frames, and shows unpaired errors as a notice", () => {
    const { chat, frame, answers, log } = setup();
    chat.ask("q");
    const before = [...answers.values()].map((x) => x.answer);
    frame({ type: "chunk", answerId: "11111111-2222-3333-4444-555555555555.x", text: "not yours" });
    chat.handleFrame("not json");
    chat.handleFrame('{"type":"pong"}');
    expect([...answers.values()].map((x) => x.answer)).toEqual(before);
    frame({ type: "error", code: "bad_request", message: "message is not valid JSON" });
    expect(log[log.length - 1]).toBe(`notice:${answerErrorMessage("bad_request", "message is not valid JSON")}`);
  });

  it("asks for a fresh connection when the server says the token expired", () => {
    const { chat, frame, onTokenExpired } = setup();
    const a = (chat.ask("q") as { answerId: string }).answerId;
    frame({ type: "error", answerId: a, code: "token_expired", message: "" });
    expect(onTokenExpired).toHaveBeenCalledTimes(1);
    frame({ type: "error", code: "token_expired", message: "" });
    expect(onTokenExpired).toHaveBeenCalledTimes(2);
  });

  it("fails unfinished answers when the connection drops, so no question is left hanging", () => {
    const { chat, frame, answers } = setup();
    const a = (chat.ask("one") as { answerId: string }).answerId;
    const b = (chat.ask("two") as { answerId: string }).answerId;
    frame({ type: "done", answerId: a });
    chat.connectionLost();
    expect(answers.get(a)!.answer.phase).toBe("done");
    expect(answers.get(b)).toEqual({
      answer: expect.objectContaining({ phase: "error", error: { code: "connection_lost", message: "" } }),
      error: answerErrorMessage("connection_lost"),
    });
    expect(chat.busy()).toBe(false);
  });

  it("starts a new conversation with a new conversationId and a cleared view", () => {
    const { chat, sent, log } = setup();
    chat.ask("q1");
    chat.newConversation();
    expect(chat.conversationId).toBe("conv2");
    expect(log).toContain("clear");
    chat.ask("q2");
    expect(sent.map((m) => m.conversationId)).toEqual(["conv1", "conv2"]);
  });
});
