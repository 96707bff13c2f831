/**
 * The conversation: builds and sends questions, and routes every server event, by its
 * answerId, to the answer it belongs to. DOM-free: the page passes a `view` (render.js)
 * and a `send` function (connection.js), so this logic runs under unit tests as is.
 */
import { createAnswer, failUnfinished, routeEvent, unfinishedCount } from "./answers.js";
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

export function createChat({ send, getUser, view, onTokenExpired = () => {}, newId = randomId, newConversation = newConversationId }) {
  let conversationId = newConversation();
  const answers = new Map();

  function show(answer) {
    answers.set(answer.answerId, answer);
    const message = answer.phase === "error" ? answerErrorMessage(answer.error.code, answer.error.message) : undefined;
    view.updateAnswer(answer, message);
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
      view.addAnswer(answer);
      return { ok: true, answerId };
    },

    /** One WebSocket text frame from the server. */
    handleFrame(data) {
      const parsed = parseServerEvent(data);
      if (!parsed.ok) return;
      const route = routeEvent(answers, parsed.event);
      if (route.kind === "answer") {
        show(route.answer);
        if (route.answer.phase === "error" && route.answer.error.code === "token_expired") onTokenExpired();
      } else if (route.kind === "notice") {
        view.notice(answerErrorMessage(route.code, route.message));
        if (route.code === "token_expired") onTokenExpired();
      }
    },

    /** The connection that would have carried the unfinished answers is gone. */
    connectionLost() {
      for (const answer of failUnfinished(answers)) show(answer);
    },

    busy() {
      return unfinishedCount(answers) > 0;
    },

    /** Start a fresh agent conversation (a new conversationId, so a new agent session). */
    newConversation() {
      conversationId = newConversation();
      answers.clear();
      view.clear();
    },
  };
}

