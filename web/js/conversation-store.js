/**
 * The signed-in user's conversations as stored in localStorage, one key per user
 * (`mta.history.<sub>`), so sign-out, a closed tab and a restart keep them, and one user's
 * history is never read for another user of the same browser: the key names the sub, the
 * record repeats it, and every answerId must start with it (T42). Each conversation keeps
 * its own conversationId (its agent session), the turns as text (question, answer, status
 * lines, error code), and the user's unsent question ("draft"). Bounded in conversations,
 * turns and characters; a full quota drops the oldest conversations first.
 */
import { ID_PIECE_PATTERN } from "./ids.js";

/** @typedef {import("./answers.js").Answer} Answer */
/** @typedef {import("./session.js").StorageLike} StorageLike */
/**
 * @typedef {object} StoredTurn
 * @property {string} question
 * @property {string} answerId
 * @property {string} text
 * @property {"done" | "error"} phase
 * @property {string[]} statuses tool progress lines, as shown
 * @property {number} askedAt epoch milliseconds
 * @property {string[]} [citations]
 * @property {true} [stopped] the asker stopped it (the answer's "stopped" phase, stored as done)
 * @property {number} [endedAt] epoch milliseconds
 * @property {{ code: string, message: string }} [error]
 */
/**
 * @typedef {object} StoredConversation
 * @property {string} id the conversationId sent with every ask of this conversation
 * @property {string} title "" until renamed: the page then shows the first question
 * @property {number} updatedAt epoch milliseconds
 * @property {StoredTurn[]} turns oldest first
 */
/**
 * @typedef {object} StoredHistory
 * @property {string} currentId
 * @property {string} draft
 * @property {StoredConversation[]} conversations newest first
 */
/** @typedef {{ saved: boolean, dropped: string[] }} SaveResult `dropped`: ids of the conversations left out */
/**
 * @typedef {object} HistoryStore
 * @property {(sub: string) => StoredHistory | null} load
 * @property {(sub: string, history: StoredHistory) => SaveResult} save
 */

export const HISTORY_KEY_PREFIX = "mta.history.";
/** Before conversations were kept per user: one sessionStorage record per tab, removed on sight. */
export const LEGACY_CONVERSATION_KEY = "mta.conversation";
export const MAX_CONVERSATIONS = 30;
export const MAX_STORED_TURNS = 50;
/** Question, answer and status characters kept per conversation. */
export const MAX_CONVERSATION_CHARS = 100_000;
/** All conversations of one user; localStorage holds ~5 M characters per origin, shared by its users. */
export const MAX_HISTORY_CHARS = 600_000;
export const MAX_STATUSES = 20;
export const MAX_TITLE_CHARS = 80;
export const MAX_DRAFT_CHARS = 8_000;
/** A reload or closed tab cut this answer off: what had arrived is kept. */
export const INTERRUPTED = /** @type {const} */ ("interrupted");
const RECORD_VERSION = 1;

/** @param {string} sub */
export const historyKey = (sub) => `${HISTORY_KEY_PREFIX}${sub}`;

/**
 * Pure: one turn as stored. An answer still arriving cannot finish after a reload (its
 * events go to the old connection), so it is stored with the text so far, as interrupted.
 * @param {string} question
 * @param {Answer} answer
 * @param {number} askedAt
 * @returns {StoredTurn}
 */
export function storedTurn(question, answer, askedAt) {
  const finished = answer.phase === "done" || answer.phase === "stopped" || answer.phase === "error";
  const error = answer.phase === "error" ? answer.error : finished ? undefined : { code: INTERRUPTED, message: "" };
  const stopped = answer.phase === "stopped";
  return {
    question,
    answerId: answer.answerId,
    text: answer.text,
    phase: error ? "error" : "done",
    statuses: answer.statuses.slice(0, MAX_STATUSES),
    askedAt,
    ...(answer.citations?.length ? { citations: [...answer.citations] } : {}),
    ...(stopped ? { stopped: /** @type {const} */ (true) } : {}),
    ...(error ? { error: { code: String(error.code), message: String(error.message ?? "") } } : {}),
    ...(answer.endedAt !== undefined ? { endedAt: answer.endedAt } : {}),
  };
}

/** @param {StoredTurn} turn */
const turnSize = (turn) => turn.question.length + turn.text.length + turn.statuses.join("").length;

/** @param {StoredConversation} conversation */
const conversationSize = (conversation) => conversation.title.length + conversation.turns.reduce((n, t) => n + turnSize(t), 0);

/**
 * Pure: the newest turns that fit both bounds (the newest one always, its answer shortened if need be).
 * @param {readonly StoredTurn[]} turns
 * @param {number} [maxTurns]
 * @param {number} [maxChars]
 * @returns {StoredTurn[]}
 */
export function boundTurns(turns, maxTurns = MAX_STORED_TURNS, maxChars = MAX_CONVERSATION_CHARS) {
  /** @type {StoredTurn[]} */
  const kept = [];
  let chars = 0;
  for (let i = turns.length - 1; i >= 0 && kept.length < maxTurns; i--) {
    const turn = turns[i];
    const size = turnSize(turn);
    if (chars + size > maxChars) {
      if (kept.length === 0) {
        const room = Math.max(0, maxChars - turn.question.length - 1);
        kept.unshift({ ...turn, statuses: [], text: `${turn.text.slice(0, room)}…` });
      }
      break;
    }
    chars += size;
    kept.unshift(turn);
  }
  return kept;
}

/**
 * Pure: the history within every bound, newest first. The current conversation is always
 * kept; the others, newest first, while they fit.
 * @param {StoredHistory} history
 * @param {number} [maxChars]
 * @returns {StoredHistory}
 */
export function boundHistory(history, maxChars = MAX_HISTORY_CHARS) {
  const bounded = history.conversations.map((c) => ({ ...c, title: c.title.slice(0, MAX_TITLE_CHARS), turns: boundTurns(c.turns) }));
  const current = bounded.find((c) => c.id === history.currentId);
  let chars = current ? conversationSize(current) : 0;
  let room = MAX_CONVERSATIONS - (current ? 1 : 0);
  const kept = current ? [current] : [];
  for (const conversation of [...bounded].sort((a, b) => b.updatedAt - a.updatedAt)) {
    if (conversation === current) continue;
    const size = conversationSize(conversation);
    if (room === 0 || chars + size > maxChars) continue;
    chars += size;
    room--;
    kept.push(conversation);
  }
  kept.sort((a, b) => b.updatedAt - a.updatedAt);
  return { currentId: history.currentId, draft: history.draft.slice(0, MAX_DRAFT_CHARS), conversations: kept };
}

/** @param {unknown} list */
const strings = (list) => (Array.isArray(list) ? list.filter((s) => typeof s === "string") : []);

/**
 * @param {any} turn parsed JSON, checked field by field
 * @param {string} sub
 * @returns {StoredTurn | null}
 */
function readTurn(turn, sub) {
  if (typeof turn !== "object" || turn === null) return null;
  const { question, text, answerId, phase, error, askedAt } = turn;
  if (typeof question !== "string" || typeof text !== "string" || typeof answerId !== "string") return null;
  if (!answerId.startsWith(`${sub}.`) || !ID_PIECE_PATTERN.test(answerId.slice(sub.length + 1))) return null;
  const hasError = typeof error === "object" && error !== null && typeof error.code === "string";
  if (phase !== "done" && !(phase === "error" && hasError)) return null;
  const citations = strings(turn.citations);
  return {
    question,
    answerId,
    text,
    phase,
    statuses: strings(turn.statuses).slice(0, MAX_STATUSES),
    askedAt: Number.isFinite(askedAt) ? askedAt : 0,
    ...(citations.length ? { citations } : {}),
    ...(turn.stopped === true ? { stopped: /** @type {const} */ (true) } : {}),
    ...(phase === "error" ? { error: { code: error.code, message: typeof error.message === "string" ? error.message : "" } } : {}),
    ...(Number.isFinite(turn.endedAt) && turn.endedAt > 0 ? { endedAt: turn.endedAt } : {}),
  };
}

/**
 * @param {any} conversation parsed JSON, checked field by field
 * @param {string} sub
 * @returns {StoredConversation | null}
 */
function readConversation(conversation, sub) {
  if (typeof conversation !== "object" || conversation === null) return null;
  const { id, title, updatedAt, turns } = conversation;
  if (typeof id !== "string" || !ID_PIECE_PATTERN.test(id)) return null;
  return {
    id,
    title: typeof title === "string" ? title : "",
    updatedAt: Number.isFinite(updatedAt) ? updatedAt : 0,
    turns: Array.isArray(turns) ? turns.flatMap((t) => readTurn(t, sub) ?? []) : [],
  };
}

/**
 * Pure: the stored history of `sub`, or null (none, another user's, or unreadable).
 * @param {unknown} text
 * @param {unknown} sub
 * @returns {StoredHistory | null}
 */
export function parseHistoryRecord(text, sub) {
  if (typeof text !== "string" || typeof sub !== "string") return null;
  /** @type {any} parsed JSON, checked field by field */
  let record;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof record !== "object" || record === null || record.v !== RECORD_VERSION || record.sub !== sub) return null;
  /** @type {StoredConversation[]} */
  const conversations = Array.isArray(record.conversations) ? record.conversations.flatMap((/** @type {unknown} */ c) => readConversation(c, sub) ?? []) : [];
  const ids = new Set();
  const unique = conversations.filter((c) => !ids.has(c.id) && ids.add(c.id));
  if (unique.length === 0) return null;
  const currentId = unique.some((c) => c.id === record.currentId) ? record.currentId : unique[0].id;
  return boundHistory({ currentId, draft: typeof record.draft === "string" ? record.draft : "", conversations: unique });
}

/**
 * localStorage behind try/catch: private mode means no memory across reloads, and a full
 * quota drops the oldest conversations (never the current one) until the record fits.
 * @param {StorageLike | null | undefined} storage
 * @param {StorageLike | null | undefined} [legacy] sessionStorage, for the record it once held
 * @returns {HistoryStore}
 */
export function createHistoryStore(storage, legacy) {
  return {
    load(sub) {
      try {
        legacy?.removeItem(LEGACY_CONVERSATION_KEY);
      } catch {
        /* nothing to remove */
      }
      try {
        return parseHistoryRecord(storage ? storage.getItem(historyKey(sub)) : null, sub);
      } catch {
        return null;
      }
    },

    save(sub, history) {
      const all = history.conversations.map((c) => c.id);
      const bounded = boundHistory(history);
      let conversations = bounded.conversations;
      /** @param {boolean} saved */
      const result = (saved) => ({ saved, dropped: all.filter((id) => !conversations.some((c) => c.id === id)) });
      if (!storage) return result(false);
      for (;;) {
        try {
          storage.setItem(historyKey(sub), JSON.stringify({ v: RECORD_VERSION, sub, ...bounded, conversations }));
          return result(true);
        } catch {
          // Newest first: the last one that is not the current conversation is the oldest.
          const others = conversations.filter((c) => c.id !== history.currentId);
          if (others.length === 0) return result(false);
          const oldest = others[others.length - 1];
          conversations = conversations.filter((c) => c !== oldest);
        }
      }
    },
  };
}
