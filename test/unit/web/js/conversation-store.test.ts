/**
 * The stored conversation: text-only turns, bounded, readable only for the user who
 * wrote it, and anything malformed read as "nothing stored".
 */
import {
  boundTurns,
  CONVERSATION_STORAGE_KEY,
  createConversationStore,
  MAX_STORED_CHARS,
  MAX_STORED_TURNS,
  parseConversationRecord,
  storedTurn,
  type StoredTurn,
} from "../../../../web/js/conversation-store.js";
import { SUB } from "./fake-jwt";

const turn = (i: number, text = `answer ${i}`): StoredTurn => ({ question: `question ${i}`, answerId: `${SUB}.id${i}`, text, phase: "done" });
const record = (extra: Record<string, unknown> = {}) => JSON.stringify({ v: 1, sub: SUB, conversationId: "conv1", turns: [turn(1)], ...extra });

describe("storedTurn", () => {
  it("keeps the text and the error, drops status lines, and stores an unfinished answer as cut off", () => {
    const base = { answerId: `${SUB}.a`, statuses: ["Looking up your orders…"], text: "Done." };
    expect(storedTurn("q", { ...base, phase: "done" })).toEqual({ question: "q", answerId: `${SUB}.a`, text: "Done.", phase: "done" });
    expect(storedTurn("q", { ...base, phase: "error", error: { code: "throttled", message: "m" } })).toMatchObject({
      phase: "error",
      error: { code: "throttled", message: "m" },
    });
    expect(storedTurn("q", { ...base, phase: "streaming" })).toMatchObject({ phase: "error", error: { code: "connection_lost", message: "" } });
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
    const [only] = boundTurns([turn(1, "z".repeat(MAX_STORED_CHARS * 2))]);
    expect(only.question.length + only.text.length).toBeLessThanOrEqual(MAX_STORED_CHARS);
    expect(only.text.endsWith("…")).toBe(true);
  });
});

describe("parseConversationRecord", () => {
  it("reads its own user's record", () => {
    expect(parseConversationRecord(record(), SUB)).toEqual({ conversationId: "conv1", turns: [turn(1)] });
  });

  it.each([
    ["another user's record", record({ sub: "22222222-2222-4222-8222-222222222222" })],
    ["an unknown version", record({ v: 2 })],
    ["a bad conversationId", record({ conversationId: "../x" })],
    ["not JSON", "{"],
    ["JSON null", "null"],
  ])("reads %s as nothing stored", (_, text) => {
    expect(parseConversationRecord(text, SUB)).toBeNull();
  });

  it("drops malformed turns and turns whose answerId is not this user's", () => {
    const turns = [turn(1), { question: 1 }, { ...turn(2), answerId: "22222222-2222-4222-8222-222222222222.x" }, { ...turn(3), phase: "error" }, turn(4)];
    expect(parseConversationRecord(record({ turns }), SUB)!.turns.map((t) => t.answerId)).toEqual([`${SUB}.id1`, `${SUB}.id4`]);
  });
});

describe("createConversationStore", () => {
  it("saves, loads and clears one key", () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
    const store = createConversationStore(storage);
    store.save(SUB, "conv9", [turn(1)]);
    expect([...items.keys()]).toEqual([CONVERSATION_STORAGE_KEY]);
    expect(store.load(SUB)).toEqual({ conversationId: "conv9", turns: [turn(1)] });
    store.clear();
    expect(store.load(SUB)).toBeNull();
  });
});
