/**
 * The conversation: builds and sends questions, and routes every server event, by its
 * answerId, to the answer it belongs to. DOM-free: the page passes a `view` (render.js)
 * and a `send` function (connection.js), so this logic runs under unit tests as is.
 * With a `storage` (sessionStorage) the conversation survives a reload of the tab
 * (conversation-store.js): `resume()` after sign-in, `forget()` on sign-out.
 */
import { createAnswer, failUnfinished, isTerminal, routeEvent, unfinishedCount } from "./answers.js";
import { createConversationStore, storedTurn } from "./conversation-store.js";
import { parseServerEvent } from "./events.js";
import { buildAnswerId, newConversationId, randomId } from "./ids.js";
import { answerErrorMessage } from "./messages.js";

/** @typedef {import("./answers.js").Answer} Answer */
/** @typedef {import("./session.js").StorageLike} StorageLike */
/** @typedef {"empty" | "too_long" | "signed_out" | "bad_identity" | "not_connected"} NotSentReason */
/**
 * What the chat draws on; render.js implements it for the page.
 * @typedef {object} ChatView
 * @property {(text: string) => void} addQuestion
 * @property {(answer: Answer) => void} addAnswer
 * @property {(answer: Answer, errorMessage?: string) => void} updateAnswer
 * @property {(text: string) => void} notice
 * @property {() => void} clear
 */
/**
 * @typedef {object} Chat
 * @property {string} conversationId
 * @property {(raw: string) => { ok: true, answerId: string } | { ok: false, reason: NotSentReason }} ask
 * @property {(data: unknown) => void} handleFrame
 * @property {() => void} connectionLost
 * @property {() => boolean} busy
 * @property {() => void} newConversation
 * @property {() => boolean} resume
 * @property {() => void} forget
 */
/**
 * @typedef {object} ChatOptions
 * @property {(message: unknown) => boolean} send
 * @property {() => { sub: string } | null} getUser
 * @property {ChatView} view
 * @property {() => void} [onTokenExpired]
 * @property {() => string} [newId]
 * @property {() => string} [newConversation]
 * @property {StorageLike | null} [storage]
 */

/** lambdas/common/protocol.ts PROMPT_MAX_CHARS */
export const PROMPT_MAX_CHARS = 4000;

/**
 * Pure: the prompt to send, or why it cannot be sent.
 * @param {unknown} raw
 * @returns {{ ok: true, prompt: string } | { ok: false, reason: "empty" | "too_long" }}
 */
export function checkPrompt(raw) {
  const prompt = typeof raw === "string" ? raw.trim() : "";
  if (prompt.length === 0) return { ok: false, reason: "empty" };
  if (prompt.length > PROMPT_MAX_CHARS) return { ok: false, reason: "too_long" };
  return { ok: true, prompt };
}

/**
 * @param {ChatOptions} options
 * @returns {Chat}
 */
export function createChat({
  send,
  getUser,
  view,
  onTokenExpired = () => {},
  newId = randomId,
  newConversation = newConversationId,
  storage = null,
}) {
  const store = createConversationStore(storage);
  let conversationId = newConversation();
  /** @type {Map<string, Answer>} */
  const answers = new Map();
  /** @type {{ question: string, answerId: string }[]} The questions in the order asked. */
  let turns = [];

  /** @param {Answer} answer */
  function show(answer) {
    answers.set(answer.answerId, answer);
    const message = answer.phase === "error" && answer.error ? answerErrorMessage(answer.error.code, answer.error.message) : undefined;
    view.updateAnswer(answer, message);
  }

  function persist() {
    const user = getUser();
    if (!user) return;
    const stored = turns.flatMap((t) => {
      const answer = answers.get(t.answerId);
      return answer ? [storedTurn(t.question, answer)] : [];
    });
    store.save(user.sub, conversationId, stored);
  }

  /** @param {string} nextConversationId */
  function reset(nextConversationId) {
    conversationId = nextConversationId;
    answers.clear();
    turns = [];
    view.clear();
  }

  return {
    get conversationId() {
      return conversationId;
    },

    /** `{ ok: true, answerId }`, or `{ ok: false, reason }` with the prompt left unsent. */
    ask(raw) {
      const checked = checkPrompt(raw);
      if (!checked.ok) return checked;
      const user = getUser();
      if (!user) return { ok: false, reason: "signed_out" };
      let answerId;
      try {
        answerId = buildAnswerId(user.sub, newId());
      } catch {
        return { ok: false, reason: "bad_identity" };
      }
      if (!send({ action: "ask", answerId, conversationId, prompt: checked.prompt })) {
        return { ok: false, reason: "not_connected" };
      }
      view.addQuestion(checked.prompt);
      const answer = createAnswer(answerId);
      answers.set(answerId, answer);
      turns.push({ question: checked.prompt, answerId });
      view.addAnswer(answer);
      persist();
      return { ok: true, answerId };
    },

    /** One WebSocket text frame from the server. */
    handleFrame(data) {
      const parsed = parseServerEvent(data);
      if (!parsed.ok) return;
      const route = routeEvent(answers, parsed.event);
      if (route.kind === "answer") {
        show(route.answer);
        if (isTerminal(route.answer)) persist();
        if (route.answer.phase === "error" && route.answer.error?.code === "token_expired") onTokenExpired();
      } else if (route.kind === "notice") {
        view.notice(answerErrorMessage(route.code, route.message));
        if (route.code === "token_expired") onTokenExpired();
      }
    },

    /** The connection that would have carried the unfinished answers is gone. */
    connectionLost() {
      const failed = failUnfinished(answers);
      for (const answer of failed) show(answer);
      if (failed.length > 0) persist();
    },

    busy() {
      return unfinishedCount(answers) > 0;
    },

    /** Start a fresh agent conversation (a new conversationId, so a new agent session). */
    newConversation() {
      reset(newConversation());
      persist();
    },

    /**
     * After sign-in or a reload: show the signed-in user's stored conversation and keep
     * asking in it. True when there was one; otherwise the current (empty) one is stored.
     */
    resume() {
      const user = getUser();
      const saved = user ? store.load(user.sub) : null;
      reset(saved ? saved.conversationId : conversationId);
      if (!saved) {
        persist();
        return false;
      }
      for (const turn of saved.turns) {
        /** @type {Answer} */
        const answer = { answerId: turn.answerId, phase: turn.phase, statuses: [], text: turn.text, ...(turn.error ? { error: turn.error } : {}) };
        turns.push({ question: turn.question, answerId: turn.answerId });
        answers.set(answer.answerId, answer);
        view.addQuestion(turn.question);
        view.addAnswer(answer);
        show(answer);
      }
      return true;
    },

    /** Sign-out: clear the page and the stored conversation; the next user starts afresh. */
    forget() {
      reset(newConversation());
      store.clear();
    },
  };
}

