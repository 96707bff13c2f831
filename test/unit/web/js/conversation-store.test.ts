/**
 * The stored history: per-user key, turns with text and status lines, bounded, readable
 * only for the user who wrote it, anything malformed read as "nothing stored", and a full
 * quota answered by dropping the oldest conversations, never the current one.
 */
import {
  boundHistory,
  boundTurns,
  createHistoryStore,
  historyKey,
  INTERRUPTED,
  LEGACY_CONVERSATION_KEY,
  MAX_CONVERSATION_CHARS,
  MAX_CONVERSATIONS,
  MAX_STORED_TURNS,
  parseHistoryRecord,
  storedTurn,
  type StoredConversation,
  type StoredHistory,
  type StoredTurn,
} from "../../../../web/js/conversation-store.js";
import { SUB } from "./fake-jwt";

const OTHER_SUB = "22222222-2222-4222-8222-222222222222";
const turn = (i: number, text = `answer ${i}`): StoredTurn => ({
  question: `question ${i}`,
  answerId: `${SUB}.id${i}`,
  text,
  phase: "done",
  statuses: [],
  askedAt: 1000 + i,
});
const conversation = (id: string, updatedAt: number, turns = [turn(1)]): StoredConversation => ({ id, title: "", updatedAt, turns });
const history = (conversations: StoredConversation[], currentId = conversations[0].id): StoredHistory => ({ currentId, draft: "", conversations });
const record = (extra: Record<string, unknown> = {}) => JSON.stringify({ v: 1, sub: SUB, ...history([conversation("conv1", 5)]), ...extra });

function memoryStorage(limit = Infinity) {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (v.length > limit) throw new DOMException("full", "QuotaExceededError");
      items.set(k, v);
    },
    removeItem: (k: string) => void items.delete(k),
  };
}

describe("storedTurn", () => {
  const base = { answerId: `${SUB}.a`, statuses: ["Looking up your orders…"], text: "Done." };

  it("keeps the text, the status lines and the error", () => {
    expect(storedTurn("q", { ...base, phase: "done" }, 7)).toEqual({
      question: "q",
      answerId: `${SUB}.a`,
      text: "Done.",
      phase: "done",
      statuses: ["Looking up your orders…"],
      askedAt: 7,
    });
    expect(storedTurn("q", { ...base, phase: "error", error: { code: "throttled", message: "m" } }, 7)).toMatchObject({
      phase: "error",
      error: { code: "throttled", message: "m" },
    });
  });

  it("stores an answer still arriving with its text so far, as interrupted", () => {
    expect(storedTurn("q", { ...base, text: "Half", phase: "streaming" }, 7)).toMatchObject({
      text: "Half",
      phase: "error",
      error: { code: INTERRUPTED, message: "" },
    });
  });
});

describe("boundTurns", () => {
  it("keeps the newest turns within the turn and character bounds", () => {
    const many = Array.from({ length: MAX_STORED_TURNS + 10 }, (_, i) => turn(i));
    const kept = boundTurns(many);
    expect(kept).toHaveLength(MAX_STORED_TURNS);
    expect(kept[kept.length - 1]).toEqual(turn(MAX_STORED_TURNS + 9));
    expect(boundTurns([turn(1, "x".repeat(60)), turn(2, "y".repeat(60))], 10, 100).map((t) => t.answerId)).toEqual([`${SUB}.id2`]);
  });

  it("shortens a single answer larger than the whole budget instead of dropping it", () => {
    const [only] = boundTurns([turn(1, "z".repeat(MAX_CONVERSATION_CHARS * 2))]);
    expect(only.question.length + only.text.length).toBeLessThanOrEqual(MAX_CONVERSATION_CHARS);
    expect(only.text.endsWith("…")).toBe(true);
  });
});

describe("boundHistory", () => {
  it("keeps at most MAX_CONVERSATIONS, newest first, and always the current one", () => {
    const many = Array.from({ length: MAX_CONVERSATIONS + 5 }, (_, i) => conversation(`c${i}`, i));
    const bounded = boundHistory(history(many, "c0"));
    expect(bounded.conversations).toHaveLength(MAX_CONVERSATIONS);
    expect(bounded.conversations[0].id).toBe(`c${MAX_CONVERSATIONS + 4}`);
    expect(bounded.conversations.map((c) => c.id)).toContain("c0");
    expect(bounded.conversations.map((c) => c.id)).not.toContain("c1");
  });

  it("keeps the newest conversations that fit the character budget", () => {
    const big = (id: string, at: number) => conversation(id, at, [turn(1, "x".repeat(400))]);
    expect(boundHistory(history([big("a", 1), big("b", 2), big("c", 3)], "a"), 900).conversations.map((c) => c.id)).toEqual(["c", "a"]);
  });
});

describe("parseHistoryRecord", () => {
  it("reads its own user's record", () => {
    expect(parseHistoryRecord(record({ draft: "unsent" }), SUB)).toEqual({ currentId: "conv1", draft: "unsent", conversations: [conversation("conv1", 5)] });
  });

  it.each([
    ["another user's record", record({ sub: OTHER_SUB })],
    ["an unknown version", record({ v: 2 })],
    ["no conversations", record({ conversations: [] })],
    ["only a bad conversationId", record({ conversations: [conversation("../x", 1)] })],
    ["not JSON", "{"],
    ["JSON null", "null"],
  ])("reads %s as nothing stored", (_, text) => {
    expect(parseHistoryRecord(text, SUB)).toBeNull();
  });

  it("keeps a stopped answer's end time, and drops end times that are not times", () => {
    const turns = [{ ...turn(1), stopped: true, endedAt: 1_796_207_001_000 }, { ...turn(2), endedAt: -5 }, { ...turn(3), endedAt: "later" }];
    const parsed = parseHistoryRecord(record({ conversations: [{ ...conversation("conv1", 1), turns }] }), SUB);
    expect(parsed!.conversations[0].turns).toEqual([turns[0], turn(2), turn(3)]);
    expect(storedTurn("q", { answerId: `${SUB}.a`, statuses: [], text: "Half", phase: "stopped", endedAt: 7 }, 3)).toEqual({
      question: "q",
      answerId: `${SUB}.a`,
      text: "Half",
      phase: "done",
      stopped: true,
      statuses: [],
      askedAt: 3,
      endedAt: 7,
    });
  });

  it("drops malformed turns and turns whose answerId is not this user's", () => {
    const turns = [turn(1), { question: 1 }, { ...turn(2), answerId: `${OTHER_SUB}.x` }, { ...turn(3), phase: "error" }, turn(4)];
    const parsed = parseHistoryRecord(record({ conversations: [{ ...conversation("conv1", 1), turns }] }), SUB);
    expect(parsed!.conversations[0].turns.map((t) => t.answerId)).toEqual([`${SUB}.id1`, `${SUB}.id4`]);
  });

  it("falls back to the newest conversation when the current one is missing", () => {
    expect(parseHistoryRecord(record({ currentId: "gone" }), SUB)!.currentId).toBe("conv1");
  });
});

describe("createHistoryStore", () => {
  it("saves and loads one key per user; another user's key is never read", () => {
    const storage = memoryStorage();
    const store = createHistoryStore(storage);
    expect(store.save(SUB, history([conversation("conv9", 1)]))).toEqual({ saved: true, dropped: [] });
    expect([...storage.items.keys()]).toEqual([historyKey(SUB)]);
    expect(historyKey(SUB)).toBe(`mta.history.${SUB}`);
    expect(store.load(SUB)!.conversations.map((c) => c.id)).toEqual(["conv9"]);
    expect(store.load(OTHER_SUB)).toBeNull();
    // Even copied under the other user's key, the record names its own sub and is refused.
    storage.setItem(historyKey(OTHER_SUB), storage.getItem(historyKey(SUB))!);
    expect(store.load(OTHER_SUB)).toBeNull();
  });

  it("removes the per-tab record of earlier versions", () => {
    const legacy = memoryStorage();
    legacy.setItem(LEGACY_CONVERSATION_KEY, "{}");
    createHistoryStore(memoryStorage(), legacy).load(SUB);
    expect(legacy.items.size).toBe(0);
  });

  it("drops the oldest conversations when the quota is full, never the current one", () => {
    const big = (id: string, at: number) => conversation(id, at, [turn(1, "x".repeat(1000))]);
    const storage = memoryStorage(2600);
    const result = createHistoryStore(storage).save(SUB, history([big("new", 3), big("mid", 2), big("old", 1), big("cur", 0)], "cur"));
    expect(result).toEqual({ saved: true, dropped: ["mid", "old"] });
    expect(parseHistoryRecord(storage.getItem(historyKey(SUB)), SUB)!.conversations.map((c) => c.id)).toEqual(["new", "cur"]);
    // Nothing fits: not saved, and said so.
    expect(createHistoryStore(memoryStorage(10)).save(SUB, history([big("cur", 0)]))).toEqual({ saved: false, dropped: [] });
  });

  it("works without storage and when storage throws on read", () => {
    expect(createHistoryStore(null).save(SUB, history([conversation("a", 1)]))).toEqual({ saved: false, dropped: [] });
    const throwing = { getItem: () => { throw new Error("denied"); }, setItem: () => {}, removeItem: () => {} };
    expect(createHistoryStore(throwing).load(SUB)).toBeNull();
  });
});
