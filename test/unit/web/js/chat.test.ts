import { parseClientMessage } from "../../../../lambdas/common/protocol";
import type { Answer } from "../../../../web/js/answers.js";
import { checkPrompt, createChat, PROMPT_MAX_CHARS, type ChatView } from "../../../../web/js/chat.js";
import { CONVERSATION_STORAGE_KEY } from "../../../../web/js/conversation-store.js";
import { answerErrorMessage } from "../../../../web/js/messages.js";
import type { StorageLike } from "../../../../web/js/session.js";
import { SUB } from "./fake-jwt";

const OTHER_SUB = "22222222-2222-4222-8222-222222222222";

class MemoryStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

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

function setup(connected = true, options: { storage?: StorageLike; user?: () => { sub: string } | null; prefix?: string } = {}) {
  const sent: Record<string, unknown>[] = [];
  const { view, log, answers } = recordingView();
  let n = 0;
  let c = 0;
  const onTokenExpired = jest.fn();
  const prefix = options.prefix ?? "";
  const chat = createChat({
    send: (m) => {
      if (!connected) return false;
      sent.push(m as Record<string, unknown>);
      return true;
    },
    getUser: options.user ?? (() => ({ sub: SUB })),
    view,
    onTokenExpired,
    newId: () => `${prefix}id${++n}`,
    newConversation: () => `${prefix}conv${++c}`,
    storage: options.storage,
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

describe("createChat across a reload (sessionStorage)", () => {
  const stored = (storage: MemoryStorage) => JSON.parse(storage.getItem(CONVERSATION_STORAGE_KEY) ?? "null");

  it("keeps the conversationId and the finished turns, so a reload continues the same conversation", () => {
    const storage = new MemoryStorage();
    const before = setup(true, { storage });
    const a = (before.chat.ask("Where is my order?") as { answerId: string }).answerId;
    before.frame({ type: "accepted", answerId: a });
    before.frame({ type: "status", answerId: a, text: "Looking up your orders" });
    before.frame({ type: "chunk", answerId: a, text: "It has shipped." });
    before.frame({ type: "done", answerId: a });
    const b = (before.chat.ask("And the other one?") as { answerId: string }).answerId;
    before.frame({ type: "error", answerId: b, code: "throttled", message: "Rate exceeded" });
    expect(stored(storage)).toMatchObject({ sub: SUB, conversationId: "conv1" });

    // The reload: a new page, a new chat, the same tab storage.
    const after = setup(true, { storage, prefix: "r" });
    expect(after.chat.conversationId).toBe("rconv1");
    expect(after.chat.resume()).toBe(true);
    expect(after.chat.conversationId).toBe("conv1");
    expect(after.log).toEqual(["clear", "question:Where is my order?", `answer:${a}`, "question:And the other one?", `answer:${b}`]);
    // Text only: the tool status lines are not kept.
    expect(after.answers.get(a)).toEqual({ answer: { answerId: a, phase: "done", statuses: [], text: "It has shipped." }, error: undefined });
    expect(after.answers.get(b)!.error).toBe(answerErrorMessage("throttled"));
    after.chat.ask("What did I ask before?");
    expect(after.sent[0]).toMatchObject({ conversationId: "conv1", prompt: "What did I ask before?" });
    expect(stored(storage).turns).toHaveLength(3);
  });

  it("stores an answer still in progress as cut off (it cannot finish after a reload)", () => {
    const storage = new MemoryStorage();
    const before = setup(true, { storage });
    const a = (before.chat.ask("q") as { answerId: string }).answerId;
    before.frame({ type: "chunk", answerId: a, text: "Half" });
    const after = setup(true, { storage });
    after.chat.resume();
    expect(after.answers.get(a)).toEqual({
      answer: { answerId: a, phase: "error", statuses: [], text: "", error: { code: "connection_lost", message: "" } },
      error: answerErrorMessage("connection_lost"),
    });
    expect(after.chat.busy()).toBe(false);
  });

  it("New conversation replaces the stored one; forget() (sign-out) removes it", () => {
    const storage = new MemoryStorage();
    const { chat } = setup(true, { storage });
    chat.ask("q1");
    chat.newConversation();
    expect(stored(storage)).toEqual({ v: 1, sub: SUB, conversationId: "conv2", turns: [] });
    chat.ask("q2");
    chat.forget();
    expect(storage.getItem(CONVERSATION_STORAGE_KEY)).toBeNull();
    const next = setup(true, { storage, prefix: "n" });
    expect(next.chat.resume()).toBe(false);
    expect(next.chat.conversationId).toBe("nconv1");
  });

  it("never shows one user's stored conversation to another user of the same tab", () => {
    const storage = new MemoryStorage();
    const first = setup(true, { storage });
    first.chat.ask("tenant1 secret question");
    const second = setup(true, { storage, user: () => ({ sub: OTHER_SUB }), prefix: "o" });
    expect(second.chat.resume()).toBe(false);
    expect(second.log).toEqual(["clear"]);
    expect(second.chat.conversationId).toBe("oconv1");
    // Its own record replaced the other user's.
    expect(stored(storage)).toEqual({ v: 1, sub: OTHER_SUB, conversationId: "oconv1", turns: [] });
    // The allowed path: the same user gets its conversation back.
    const again = setup(true, { storage, user: () => ({ sub: OTHER_SUB }) });
    expect(again.chat.resume()).toBe(true);
  });

  it("works without storage, and when storage throws", () => {
    const throwing: StorageLike = {
      getItem: () => { throw new Error("denied"); },
      setItem: () => { throw new Error("quota"); },
      removeItem: () => { throw new Error("denied"); },
    };
    for (const storage of [throwing, undefined]) {
      const { chat, sent } = setup(true, { storage });
      expect(chat.resume()).toBe(false);
      expect(chat.ask("hi")).toMatchObject({ ok: true });
      chat.newConversation();
      chat.forget();
      expect(sent).toHaveLength(1);
    }
  });
});
