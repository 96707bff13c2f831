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

/** lambdas/shared/protocol.ts PROMPT_MAX_CHARS */
export const PROMPT_MAX_CHARS = 4000;

/** Pure: the prompt to send, or why it cannot be sent. */
export function checkPrompt(raw) {
  const prompt = typeof raw === "string" ? raw.trim() : "";
  if (prompt.length === 0) return { ok: false, reason: "empty" };
  if (prompt.length > PROMPT_MAX_CHARS) return { ok: false, reason: "too_long" };
  return { ok: true, prompt };
}

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
  const answers = new Map();
  /** The questions in the order asked: [{ question, answerId }]. */
  let turns = [];

  function show(answer) {
    answers.set(answer.answerId, answer);
    const message = answer.phase === "error" ? answerErrorMessage(answer.error.code, answer.error.message) : undefined;
    view.updateAnswer(answer, message);
  }

  function persist() {
    const user = getUser();
    if (!user) return;
    const stored = turns.filter((t) => answers.has(t.answerId)).map((t) => storedTurn(t.question, answers.get(t.answerId)));
    store.save(user.sub, conversationId, stored);
  }

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
        if (route.answer.phase === "error" && route.answer.error.code === "token_expired") onTokenExpired();
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

