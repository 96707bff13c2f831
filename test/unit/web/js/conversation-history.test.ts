/**
 * The conversations in memory: titles, when they are written (at once for new turns and
 * finished answers, after a delay while streaming, at once on flush), and what the user is
 * told when storage is full.
 */
import type { Answer } from "../../../../web/js/answers.js";
import { conversationTitle, createConversationHistory } from "../../../../web/js/conversation-history.js";
import { historyKey, MAX_TITLE_CHARS } from "../../../../web/js/conversation-store.js";
import { SUB } from "./fake-jwt";

function fixture(limit = Infinity) {
  const items = new Map<string, string>();
  const writes: string[] = [];
  const storage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (v.length > limit) throw new DOMException("full", "QuotaExceededError");
      writes.push(v);
      items.set(k, v);
    },
    removeItem: (k: string) => void items.delete(k),
  };
  const pending = new Map<number, () => void>();
  let t = 0;
  const timers = {
    setTimeout: (fn: () => void) => (pending.set(++t, fn), t),
    clearTimeout: (id: unknown) => void pending.delete(id as number),
  };
  let c = 0;
  const problems: unknown[] = [];
  const history = createConversationHistory({ storage, newConversationId: () => `c${++c}`, timers, now: () => 1000 + c, onSaveProblem: (r) => problems.push(r) });
  const runTimers = () => [...pending.values()].forEach((fn) => fn());
  return { history, items, writes, pending, runTimers, problems };
}

const answer = (n: number, extra: Partial<Answer> = {}): Answer => ({ answerId: `${SUB}.a${n}`, phase: "sending", statuses: [], text: "", ...extra });

describe("conversationTitle", () => {
  it("is the name given, else the first question on one line, else New conversation", () => {
    expect(conversationTitle({ title: "Shoes", turns: [{ question: "q" }] })).toBe("Shoes");
    expect(conversationTitle({ title: "", turns: [{ question: "Where is\n my   order?" }] })).toBe("Where is my order?");
    expect(conversationTitle({ title: "", turns: [] })).toBe("New conversation");
    expect(conversationTitle({ title: "", turns: [{ question: "x".repeat(200) }] })).toHaveLength(MAX_TITLE_CHARS);
  });
});

describe("createConversationHistory", () => {
  it("writes a new turn and a finished answer at once, a streaming one after a delay or on flush", () => {
    const { history, writes, pending, runTimers } = fixture();
    history.open(SUB);
    history.addTurn("q", answer(1));
    expect(writes).toHaveLength(1);
    history.updateAnswer(answer(1, { phase: "streaming", text: "Hal" }));
    history.updateAnswer(answer(1, { phase: "streaming", text: "Half" }));
    expect(writes).toHaveLength(1);
    expect(pending.size).toBe(1);
    runTimers();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain('"text":"Half"');
    history.updateAnswer(answer(1, { phase: "streaming", text: "Half more" }));
    history.flush();
    expect(writes).toHaveLength(3);
    history.updateAnswer(answer(1, { phase: "done", text: "Whole" }));
    expect(writes).toHaveLength(4);
    history.flush();
    expect(writes).toHaveLength(4);
  });

  it("keeps the draft per user, written after a delay", () => {
    const { history, items, runTimers } = fixture();
    history.open(SUB);
    history.setDraft("not sent yet");
    runTimers();
    expect(JSON.parse(items.get(historyKey(SUB))!).draft).toBe("not sent yet");
  });

  it("tells the page when storage is full, and lists only what was kept", () => {
    const { history, problems } = fixture(1900);
    history.open(SUB);
    history.addTurn("first", answer(1, { phase: "done", text: "x".repeat(600) }));
    history.startNew();
    history.addTurn("second", answer(2, { phase: "done", text: "y".repeat(600) }));
    history.startNew();
    history.addTurn("third", answer(3, { phase: "done", text: "z".repeat(600) }));
    expect(problems).toEqual([{ saved: true, dropped: ["c1"] }]);
    expect(history.list().map((c) => c.title)).toEqual(["third", "second"]);
  });

  it("after close() nothing is written and nothing is listed", () => {
    const { history, writes } = fixture();
    history.open(SUB);
    history.addTurn("q", answer(1));
    history.close();
    const count = writes.length;
    history.setDraft("x");
    history.flush();
    expect(writes).toHaveLength(count);
    expect(history.list()).toHaveLength(0);
  });
});
