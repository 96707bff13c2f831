/**
 * The signed-in user's conversations in memory: which one is shown, its turns (question,
 * answer, when asked), starting, switching, renaming and deleting them, and the unsent
 * question. Every change is written through conversation-store.js: at once when a turn is
 * added or an answer ends, at most once a second while an answer streams, and on `flush()`
 * (the page calls it when it is hidden or unloaded), so a reload mid-answer keeps the
 * text so far. DOM-free; chat.js drives it and conversation-list.js draws its summary.
 */
import { createHistoryStore, MAX_TITLE_CHARS, storedTurn } from "./conversation-store.js";

/** @typedef {import("./answers.js").Answer} Answer */
/** @typedef {import("./conversation-store.js").StoredHistory} StoredHistory */
/** @typedef {import("./conversation-store.js").SaveResult} SaveResult */
/** @typedef {import("./session.js").StorageLike} StorageLike */
/** @typedef {import("./session.js").SessionTimers} Timers */
/**
 * @typedef {object} Turn
 * @property {string} question
 * @property {Answer} answer
 * @property {number} askedAt epoch milliseconds
 */
/**
 * @typedef {object} Conversation
 * @property {string} id its conversationId
 * @property {string} title "" until renamed
 * @property {number} updatedAt
 * @property {Turn[]} turns
 */
/**
 * @typedef {object} ConversationSummary
 * @property {string} id
 * @property {string} title what the list shows: the name given, else the first question
 * @property {boolean} current
 * @property {number} updatedAt
 * @property {number} turns
 */
/**
 * @typedef {object} ConversationHistory
 * @property {(sub: string) => boolean} open load `sub`'s conversations; true when there were some
 * @property {() => void} close save, then forget them (sign-out)
 * @property {() => Conversation} current
 * @property {() => ConversationSummary[]} list newest first, empty conversations other than the current left out
 * @property {() => boolean} startNew false when the current one is still empty (it is reused)
 * @property {(id: string) => boolean} select
 * @property {(id: string, title: string) => boolean} rename
 * @property {(id: string) => boolean} remove
 * @property {(question: string, answer: Answer) => void} addTurn to the current conversation
 * @property {(answer: Answer) => void} updateAnswer in whichever conversation holds it
 * @property {() => string} draft
 * @property {(text: string) => void} setDraft
 * @property {() => void} flush
 * @property {(listener: () => void) => () => void} onChange the list or the current conversation changed
 */
/**
 * @typedef {object} HistoryOptions
 * @property {StorageLike | null} [storage] localStorage
 * @property {StorageLike | null} [legacy] sessionStorage (an old per-tab record is removed)
 * @property {() => string} newConversationId
 * @property {() => number} [now]
 * @property {Timers} [timers]
 * @property {number} [saveDelayMs] while an answer streams
 * @property {(result: SaveResult) => void} [onSaveProblem] storage full or unavailable
 */

export const SAVE_DELAY_MS = 1000;
const UNTITLED = "New conversation";

/**
 * Pure: the name a conversation is listed under.
 * @param {{ title: string, turns: readonly { question: string }[] }} conversation
 */
export function conversationTitle(conversation) {
  const text = (conversation.title || conversation.turns[0]?.question || UNTITLED).replace(/\s+/g, " ").trim();
  return text.length > MAX_TITLE_CHARS ? `${text.slice(0, MAX_TITLE_CHARS - 1)}…` : text;
}

/**
 * @param {HistoryOptions} options
 * @returns {ConversationHistory}
 */
export function createConversationHistory({
  storage = null,
  legacy = null,
  newConversationId,
  now = () => Date.now(),
  timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(/** @type {number} */ (id)) },
  saveDelayMs = SAVE_DELAY_MS,
  onSaveProblem = () => {},
}) {
  const store = createHistoryStore(storage, legacy);
  /** @type {string | null} */
  let sub = null;
  /** @type {Conversation[]} newest first */
  let conversations = [];
  let currentId = "";
  let draft = "";
  /** @type {unknown} */
  let saveTimer = null;
  /** @type {Set<() => void>} */
  const listeners = new Set();

  /** @returns {Conversation} */
  const fresh = () => ({ id: newConversationId(), title: "", updatedAt: now(), turns: [] });
  const notify = () => {
    for (const listener of listeners) listener();
  };
  /** @param {string} id */
  const find = (id) => conversations.find((c) => c.id === id);

  function current() {
    let conversation = find(currentId);
    if (!conversation) {
      conversation = fresh();
      conversations.unshift(conversation);
      currentId = conversation.id;
    }
    return conversation;
  }

  function save() {
    if (saveTimer !== null) timers.clearTimeout(saveTimer);
    saveTimer = null;
    if (sub === null) return;
    /** @type {StoredHistory} */
    const history = {
      currentId,
      draft,
      conversations: conversations
        .filter((c) => c.turns.length > 0 || c.id === currentId)
        .map((c) => ({ id: c.id, title: c.title, updatedAt: c.updatedAt, turns: c.turns.map((t) => storedTurn(t.question, t.answer, t.askedAt)) })),
    };
    const result = store.save(sub, history);
    if (result.dropped.length > 0) {
      // Memory follows what was kept, so the list never offers a conversation a reload would lose.
      conversations = conversations.filter((c) => !result.dropped.includes(c.id) || c.turns.length === 0);
      notify();
    }
    if (!result.saved || result.dropped.some((id) => history.conversations.some((c) => c.id === id && c.turns.length > 0))) onSaveProblem(result);
  }

  function saveSoon() {
    if (saveTimer === null && sub !== null) saveTimer = timers.setTimeout(save, saveDelayMs);
  }

  return {
    open(userSub) {
      sub = userSub;
      const stored = store.load(userSub);
      conversations = stored
        ? stored.conversations.map((c) => ({
            id: c.id,
            title: c.title,
            updatedAt: c.updatedAt,
            turns: c.turns.map((t) => ({
              question: t.question,
              askedAt: t.askedAt,
              answer: {
                answerId: t.answerId,
                // Stored as done + stopped (conversation-store.js); on the page, the "stopped" phase.
                phase: t.stopped && t.phase === "done" ? /** @type {const} */ ("stopped") : t.phase,
                statuses: t.statuses,
                text: t.text,
                ...(t.citations ? { citations: t.citations } : {}),
                ...(t.error ? { error: t.error } : {}),
                ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}),
              },
            })),
          }))
        : [];
      currentId = stored ? stored.currentId : "";
      draft = stored ? stored.draft : "";
      current();
      notify();
      return stored !== null && conversations.some((c) => c.turns.length > 0);
    },

    close() {
      save();
      sub = null;
      conversations = [];
      currentId = "";
      draft = "";
      notify();
    },

    current,

    list() {
      return conversations
        .filter((c) => c.turns.length > 0 || c.id === currentId)
        .map((c) => ({ id: c.id, title: conversationTitle(c), current: c.id === currentId, updatedAt: c.updatedAt, turns: c.turns.length }));
    },

    startNew() {
      if (current().turns.length === 0) return false;
      const conversation = fresh();
      conversations.unshift(conversation);
      currentId = conversation.id;
      save();
      notify();
      return true;
    },

    select(id) {
      if (!find(id) || id === currentId) return false;
      currentId = id;
      // An empty conversation left behind is not worth a place in the list.
      conversations = conversations.filter((c) => c.turns.length > 0 || c.id === currentId);
      save();
      notify();
      return true;
    },

    rename(id, title) {
      const conversation = find(id);
      if (!conversation) return false;
      conversation.title = title.replace(/\s+/g, " ").trim().slice(0, MAX_TITLE_CHARS);
      save();
      notify();
      return true;
    },

    remove(id) {
      if (!find(id)) return false;
      conversations = conversations.filter((c) => c.id !== id);
      if (id === currentId) currentId = conversations.find((c) => c.turns.length > 0)?.id ?? "";
      current();
      save();
      notify();
      return true;
    },

    addTurn(question, answer) {
      const conversation = current();
      conversation.turns.push({ question, answer, askedAt: now() });
      conversation.updatedAt = now();
      // Newest first: the conversation just asked in moves to the top.
      conversations = [conversation, ...conversations.filter((c) => c !== conversation)];
      save();
      notify();
    },

    updateAnswer(answer) {
      for (const conversation of conversations) {
        const turn = conversation.turns.find((t) => t.answer.answerId === answer.answerId);
        if (!turn) continue;
        turn.answer = answer;
        if (answer.phase === "done" || answer.phase === "stopped" || answer.phase === "error") save();
        else saveSoon();
        return;
      }
    },

    draft: () => draft,

    setDraft(text) {
      if (text === draft) return;
      draft = text;
      saveSoon();
    },

    flush() {
      if (saveTimer !== null) save();
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
