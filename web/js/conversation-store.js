/**
 * The current conversation of the signed-in user, kept in sessionStorage so a reload of
 * the tab continues it: the conversationId (so the agent still remembers what was asked)
 * and the transcript as text only (questions, answer texts, error codes; no tool status
 * lines), bounded in turns and characters. One record per tab, stamped with the user's
 * sub: another user signing in on the same tab never sees it, and the page removes it on
 * sign-out and replaces it on "New conversation".
 */
import { CONNECTION_LOST } from "./answers.js";
import { ID_PIECE_PATTERN } from "./ids.js";

/** @typedef {import("./answers.js").Answer} Answer */
/** @typedef {import("./session.js").StorageLike} StorageLike */
/**
 * @typedef {object} StoredTurn
 * @property {string} question
 * @property {string} answerId
 * @property {string} text
 * @property {"done" | "error"} phase
 * @property {{ code: string, message: string }} [error]
 */
/**
 * @typedef {object} StoredConversation
 * @property {string} conversationId
 * @property {StoredTurn[]} turns
 */
/**
 * @typedef {object} ConversationStore
 * @property {(sub: string) => StoredConversation | null} load
 * @property {(sub: string, conversationId: string, turns: readonly StoredTurn[]) => void} save
 * @property {() => void} clear
 */

export const CONVERSATION_STORAGE_KEY = "mta.conversation";
export const MAX_STORED_TURNS = 50;
/** Question and answer characters kept in all; sessionStorage quotas are ~5 MB per origin. */
export const MAX_STORED_CHARS = 100_000;
const RECORD_VERSION = 1;

/**
 * Pure: one finished turn as stored. An answer that had not finished cannot finish after
 * a reload (its events go to the old connection), so it is stored as cut off.
 * @param {string} question
 * @param {Answer} answer
 * @returns {StoredTurn}
 */
export function storedTurn(question, answer) {
  const finished = answer.phase === "done" || answer.phase === "error";
  const error = answer.phase === "error" ? answer.error : finished ? undefined : { code: CONNECTION_LOST, message: "" };
  return {
    question,
    answerId: answer.answerId,
    text: answer.text,
    phase: error ? "error" : "done",
    ...(error ? { error: { code: String(error.code), message: String(error.message ?? "") } } : {}),
  };
}

/**
 * Pure: the newest turns that fit both bounds (the newest one always, its answer shortened if need be).
 * @param {readonly StoredTurn[]} turns
 * @param {number} [maxTurns]
 * @param {number} [maxChars]
 * @returns {StoredTurn[]}
 */
export function boundTurns(turns, maxTurns = MAX_STORED_TURNS, maxChars = MAX_STORED_CHARS) {
  /** @type {StoredTurn[]} */
  const kept = [];
  let chars = 0;
  for (let i = turns.length - 1; i >= 0 && kept.length < maxTurns; i--) {
    const turn = turns[i];
    const size = turn.question.length + turn.text.length;
    if (chars + size > maxChars) {
      if (kept.length === 0) kept.unshift({ ...turn, text: `${turn.text.slice(0, Math.max(0, maxChars - turn.question.length - 1))}…` });
      break;
    }
    chars += size;
    kept.unshift(turn);
  }
  return kept;
}

/**
 * @param {any} turn parsed JSON, checked field by field
 * @param {string} sub
 * @returns {turn is StoredTurn}
 */
function isStoredTurn(turn, sub) {
  return (
    typeof turn === "object" &&
    turn !== null &&
    typeof turn.question === "string" &&
    typeof turn.text === "string" &&
    typeof turn.answerId === "string" &&
    turn.answerId.startsWith(`${sub}.`) &&
    ID_PIECE_PATTERN.test(turn.answerId.slice(sub.length + 1)) &&
    (turn.phase === "done" ||
      (turn.phase === "error" && typeof turn.error === "object" && turn.error !== null && typeof turn.error.code === "string"))
  );
}

/**
 * Pure: the stored conversation of `sub`, or null (none, another user's, or unreadable).
 * @param {unknown} text
 * @param {unknown} sub
 * @returns {StoredConversation | null}
 */
export function parseConversationRecord(text, sub) {
  if (typeof text !== "string" || typeof sub !== "string") return null;
  /** @type {any} parsed JSON, checked field by field */
  let record;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof record !== "object" || record === null || record.v !== RECORD_VERSION || record.sub !== sub) return null;
  if (typeof record.conversationId !== "string" || !ID_PIECE_PATTERN.test(record.conversationId)) return null;
  /** @type {StoredTurn[]} */
  const turns = Array.isArray(record.turns) ? record.turns.filter((/** @type {unknown} */ t) => isStoredTurn(t, sub)) : [];
  return {
    conversationId: record.conversationId,
    turns: boundTurns(turns).map((t) => ({
      question: t.question,
      answerId: t.answerId,
      text: t.text,
      phase: t.phase,
      ...(t.phase === "error" && t.error ? { error: { code: t.error.code, message: typeof t.error.message === "string" ? t.error.message : "" } } : {}),
    })),
  };
}

/**
 * sessionStorage behind try/catch: private mode or a full quota only means no reload memory.
 * @param {StorageLike | null | undefined} storage
 * @returns {ConversationStore}
 */
export function createConversationStore(storage) {
  return {
    load(sub) {
      /** @type {string | null} */
      let text = null;
      try {
        text = storage ? storage.getItem(CONVERSATION_STORAGE_KEY) : null;
      } catch {
        return null;
      }
      return parseConversationRecord(text, sub);
    },
    save(sub, conversationId, turns) {
      try {
        if (storage) storage.setItem(CONVERSATION_STORAGE_KEY, JSON.stringify({ v: RECORD_VERSION, sub, conversationId, turns: boundTurns(turns) }));
      } catch {
        /* not kept across a reload */
      }
    },
    clear() {
      try {
        if (storage) storage.removeItem(CONVERSATION_STORAGE_KEY);
      } catch {
        /* nothing stored */
      }
    },
  };
}
