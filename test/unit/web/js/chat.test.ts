import { parseClientMessage } from "../../../../lambdas/common/protocol";
import { ANSWER_SILENCE_MS } from "../../../../web/js/answer-watchdog.js";
import type { Answer } from "../../../../web/js/answers.js";
import { type Chat, checkPrompt, createChat, PROMPT_MAX_CHARS, type ChatView } from "../../../../web/js/chat.js";
import { createConversationHistory } from "../../../../web/js/conversation-history.js";
import { historyKey } from "../../../../web/js/conversation-store.js";
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

/** Timers that fire only when told: a streaming answer's delayed save stays pending. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (fn: () => void) => {
      pending.set(++next, fn);
      return next;
    },
    clearTimeout: (id: unknown) => void pending.delete(id as number),
    pending,
  };
}

const NOW = Date.UTC(2026, 11, 2, 10, 30);

/** The answer watchdog's timers: fired by hand, with their delays kept. */
function watchdogTimers() {
  let next = 1;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  return {
    pending,
    setTimeout: (fn: () => void, ms: number) => {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimeout: (id: unknown) => void pending.delete(id as number),
    fireAll() {
      for (const [id, t] of [...pending]) {
        pending.delete(id);
        t.fn();
      }
    },
  };
}

function setup(
  connected = true,
  options: { storage?: StorageLike; user?: () => { sub: string } | null; prefix?: string; timers?: ReturnType<typeof manualTimers> } = {},
) {
  const sent: Record<string, unknown>[] = [];
  const { view, log, answers } = recordingView();
  let n = 0;
  let c = 0;
  const onTokenExpired = jest.fn();
  const watchdog = watchdogTimers();
  const prefix = options.prefix ?? "";
  const newConversation = () => `${prefix}conv${++c}`;
  const history = createConversationHistory({ storage: options.storage, newConversationId: newConversation, timers: options.timers ?? manualTimers() });
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
    newConversation,
    history,
    now: () => NOW,
    timers: watchdog,
  });
  const frame = (event: object) => chat.handleFrame(JSON.stringify(event));
  return { chat, sent, log, answers, frame, onTokenExpired, watchdog };
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

describe("createChat with the user's conversations stored (localStorage, per user)", () => {
  const stored = (storage: MemoryStorage, sub = SUB) => JSON.parse(storage.getItem(historyKey(sub)) ?? "null");
  const answerIdOf = (result: ReturnType<Chat["ask"]>) => (result as { answerId: string }).answerId;

  it("keeps the conversationId, the turns and their status lines, so a reload continues the same conversation", () => {
    const storage = new MemoryStorage();
    const before = setup(true, { storage });
    before.chat.resume();
    const a = answerIdOf(before.chat.ask("Where is my order?"));
    before.frame({ type: "accepted", answerId: a });
    before.frame({ type: "status", answerId: a, text: "Looking up your orders…" });
    before.frame({ type: "chunk", answerId: a, text: "It has shipped." });
    before.frame({ type: "done", answerId: a });
    const b = answerIdOf(before.chat.ask("And the other one?"));
    before.frame({ type: "error", answerId: b, code: "throttled", message: "Rate exceeded" });
    expect(stored(storage)).toMatchObject({ sub: SUB, currentId: "conv1" });

    // The reload: a new page, a new chat, the same browser storage.
    const after = setup(true, { storage, prefix: "r" });
    expect(after.chat.resume()).toBe(true);
    expect(after.chat.conversationId).toBe("conv1");
    expect(after.log).toEqual(["clear", "question:Where is my order?", `answer:${a}`, "question:And the other one?", `answer:${b}`]);
    expect(after.answers.get(a)!.answer).toMatchObject({ answerId: a, phase: "done", statuses: ["Looking up your orders…"], text: "It has shipped." });
    expect(after.answers.get(b)!.error).toBe(answerErrorMessage("throttled"));
    after.chat.ask("What did I ask before?");
    expect(after.sent[0]).toMatchObject({ conversationId: "conv1", prompt: "What did I ask before?" });
    expect(stored(storage).conversations[0].turns).toHaveLength(3);
  });

  it("keeps the text of an answer cut off by a reload, marked interrupted", () => {
    const storage = new MemoryStorage();
    const timers = manualTimers();
    const before = setup(true, { storage, timers });
    before.chat.resume();
    const a = answerIdOf(before.chat.ask("q"));
    before.frame({ type: "chunk", answerId: a, text: "Half an answer" });
    // The page is hidden (reload): the pending save is written at once.
    before.chat.history.flush();
    const after = setup(true, { storage });
    after.chat.resume();
    expect(after.answers.get(a)).toEqual({
      answer: { answerId: a, phase: "error", statuses: [], text: "Half an answer", error: { code: "interrupted", message: "" } },
      error: answerErrorMessage("interrupted"),
    });
    expect(after.chat.busy()).toBe(false);
  });

  it("New conversation keeps the old one listed; switching back asks in its own conversationId", () => {
    const storage = new MemoryStorage();
    const { chat, sent, log } = setup(true, { storage });
    chat.resume();
    chat.ask("q1");
    chat.newConversation();
    expect(chat.conversationId).toBe("conv2");
    expect(chat.history.list().map((c) => [c.title, c.current])).toEqual([["New conversation", true], ["q1", false]]);
    // An empty conversation is reused, not multiplied.
    chat.newConversation();
    expect(chat.conversationId).toBe("conv2");
    chat.ask("q2");
    chat.switchTo("conv1");
    expect(log.slice(-3)).toEqual(["clear", "question:q1", `answer:${SUB}.id1`]);
    chat.ask("q3");
    expect(sent.map((m) => m.conversationId)).toEqual(["conv1", "conv2", "conv1"]);
    expect(stored(storage).conversations.map((c: { id: string }) => c.id)).toEqual(["conv1", "conv2"]);
  });

  it("an answer streaming in a conversation switched away from keeps arriving into it", () => {
    const { chat, frame, answers } = setup(true, { storage: new MemoryStorage() });
    chat.resume();
    const a = answerIdOf(chat.ask("slow question"));
    chat.newConversation();
    frame({ type: "chunk", answerId: a, text: "arrived while away" });
    frame({ type: "done", answerId: a });
    chat.switchTo("conv1");
    expect(answers.get(a)!.answer).toMatchObject({ phase: "done", text: "arrived while away" });
  });

  it("rename and delete; deleting the shown conversation shows the next one", () => {
    const storage = new MemoryStorage();
    const { chat } = setup(true, { storage });
    chat.resume();
    chat.ask("first");
    chat.newConversation();
    chat.ask("second");
    chat.history.rename("conv1", "  Shoes   order ");
    expect(chat.history.list().map((c) => c.title)).toEqual(["second", "Shoes order"]);
    chat.remove("conv2");
    expect(chat.conversationId).toBe("conv1");
    expect(stored(storage).conversations.map((c: { id: string; title: string }) => [c.id, c.title])).toEqual([["conv1", "Shoes order"]]);
  });

  it("sign-out (forget) takes the conversations off the page but keeps them for the same user", () => {
    const storage = new MemoryStorage();
    const first = setup(true, { storage });
    first.chat.resume();
    first.chat.ask("q1");
    first.chat.history.setDraft("a question not sent yet");
    first.chat.forget();
    expect(first.log[first.log.length - 1]).toBe("clear");
    const again = setup(true, { storage, prefix: "n" });
    expect(again.chat.resume()).toBe(true);
    expect(again.chat.conversationId).toBe("conv1");
    expect(again.chat.history.draft()).toBe("a question not sent yet");
  });

  it("never shows one user's conversations to another user of the same browser", () => {
    const storage = new MemoryStorage();
    const first = setup(true, { storage });
    first.chat.resume();
    first.chat.ask("tenant1 secret question");
    first.chat.forget();
    const second = setup(true, { storage, user: () => ({ sub: OTHER_SUB }), prefix: "o" });
    expect(second.chat.resume()).toBe(false);
    expect(second.log).toEqual(["clear"]);
    expect(second.chat.history.list().map((c) => c.title)).toEqual(["New conversation"]);
    second.chat.ask("tenant2 question");
    expect(JSON.stringify(stored(storage, OTHER_SUB))).not.toContain("tenant1 secret question");
    // The allowed path: the first user still gets theirs back.
    const again = setup(true, { storage });
    expect(again.chat.resume()).toBe(true);
    expect(again.log).toContain("question:tenant1 secret question");
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

describe("createChat stop, retry and the answer watchdog", () => {
  const answerIdOf = (result: ReturnType<Chat["ask"]>) => (result as { answerId: string }).answerId;

  it("stop() sends the stop frame the server's parser accepts; done stopped ends the answer as stopped", () => {
    const { chat, sent, frame, answers } = setup();
    const answerId = answerIdOf(chat.ask("Tell me a long story"));
    frame({ type: "accepted", answerId });
    frame({ type: "chunk", answerId, text: "Once upon" });
    expect(chat.stop(answerId)).toBe(true);
    expect(sent[1]).toEqual({ action: "stop", answerId });
    expect(parseClientMessage(JSON.stringify(sent[1]))).toMatchObject({ ok: true });
    expect(answers.get(answerId)!.answer).toMatchObject({ phase: "streaming", stopRequested: true });
    // Pressed twice: one frame.
    expect(chat.stop(answerId)).toBe(false);
    frame({ type: "stopping", answerId });
    frame({ type: "done", answerId, stopped: true });
    expect(answers.get(answerId)!.answer).toMatchObject({ phase: "stopped", text: "Once upon", endedAt: NOW });
    frame({ type: "chunk", answerId, text: " a time" });
    expect(answers.get(answerId)!.answer.text).toBe("Once upon");
    expect(chat.busy()).toBe(false);
    expect(sent).toHaveLength(2);
  });

  it("an answer that finished before the stop arrived is simply done", () => {
    const { chat, frame, answers } = setup();
    const answerId = answerIdOf(chat.ask("Hi"));
    chat.stop(answerId);
    frame({ type: "done", answerId });
    expect(answers.get(answerId)!.answer.phase).toBe("done");
    expect(chat.stop(answerId)).toBe(false);
  });

  it("retry() asks the question of a failed or stopped answer again, as a new answer in the same conversation", () => {
    const { chat, sent, frame } = setup();
    const first = answerIdOf(chat.ask("Where is my order?"));
    // Not while it is running.
    expect(chat.retry(first)).toEqual({ ok: false, reason: "empty" });
    frame({ type: "error", answerId: first, code: "agent_error", message: "x" });
    const again = chat.retry(first);
    expect(again).toMatchObject({ ok: true });
    expect(sent[1]).toMatchObject({ action: "ask", prompt: "Where is my order?", conversationId: sent[0].conversationId });
    expect(sent[1].answerId).not.toBe(first);
    const second = answerIdOf(again);
    chat.stop(second);
    frame({ type: "done", answerId: second, stopped: true });
    expect(chat.retry(second)).toMatchObject({ ok: true });
    expect(chat.retry("nobody.x")).toEqual({ ok: false, reason: "empty" });
  });

  it("ends an answer that hears nothing for the silence period with no_reply, and sends a stop for it", () => {
    const { chat, sent, frame, answers, watchdog } = setup();
    const answerId = answerIdOf(chat.ask("Hello?"));
    expect([...watchdog.pending.values()].map((t) => t.ms)).toEqual([ANSWER_SILENCE_MS]);
    frame({ type: "accepted", answerId });
    // Every event re-arms the one timer of the answer.
    expect(watchdog.pending.size).toBe(1);
    watchdog.fireAll();
    expect(answers.get(answerId)).toEqual({
      answer: expect.objectContaining({ phase: "error", error: { code: "no_reply", message: "" }, endedAt: NOW }),
      error: answerErrorMessage("no_reply"),
    });
    expect(answerErrorMessage("no_reply")).toContain("Retry");
    expect(sent[1]).toEqual({ action: "stop", answerId });
    // A late event changes nothing; Retry asks again.
    frame({ type: "chunk", answerId, text: "late" });
    expect(answers.get(answerId)!.answer.text).toBe("");
    expect(chat.retry(answerId)).toMatchObject({ ok: true });
  });

  it("disarms the watchdog when the answer ends, the connection drops or the user signs out", () => {
    const { chat, frame, watchdog } = setup();
    const a = answerIdOf(chat.ask("one"));
    frame({ type: "done", answerId: a });
    expect(watchdog.pending.size).toBe(0);
    chat.ask("two");
    chat.connectionLost();
    expect(watchdog.pending.size).toBe(0);
    chat.ask("three");
    chat.forget();
    expect(watchdog.pending.size).toBe(0);
  });

  it("keeps a stopped answer and its times across a reload", () => {
    const storage = new MemoryStorage();
    const before = setup(true, { storage });
    before.chat.resume();
    const answerId = answerIdOf(before.chat.ask("Long one"));
    before.frame({ type: "chunk", answerId, text: "Part" });
    before.chat.stop(answerId);
    before.frame({ type: "done", answerId, stopped: true });
    const after = setup(true, { storage, prefix: "r" });
    after.chat.resume();
    expect(after.answers.get(answerId)!.answer).toMatchObject({ phase: "stopped", text: "Part", endedAt: NOW });
    expect(JSON.parse(storage.getItem(historyKey(SUB))!).conversations[0].turns[0]).toMatchObject({ phase: "done", stopped: true, endedAt: NOW });
  });
});
