/**
 * The conversation: builds and sends questions, and routes every server event, by its
 * answerId, to the answer it belongs to. DOM-free: the page passes a `view` (render.js)
 * and a `send` function (connection.js), so this logic runs under unit tests as is.
 * The user's conversations live in conversation-history.js (stored per user, so they
 * survive sign-out, reloads and restarts): `resume()` after sign-in shows the current one,
 * `forget()` on sign-out takes them off the page (they stay stored for that user).
 * `stop()` sends the stop frame (I16), `retry()` asks a failed, timed-out or stopped
 * question again, and an answer that gets no event for a while is ended by the watchdog
 * (answer-watchdog.js).
 */
import { createAnswerWatchdog } from "./answer-watchdog.js";
import { applyEvent, createAnswer, failUnfinished, isTerminal, NO_REPLY, requestStop, routeEvent, unfinishedCount } from "./answers.js";
import { createConversationHistory } from "./conversation-history.js";
import { parseServerEvent } from "./events.js";
import { buildAnswerId, newConversationId, randomId } from "./ids.js";
import { answerErrorMessage } from "./messages.js";

/** @typedef {import("./answers.js").Answer} Answer */
/** @typedef {"empty" | "too_long" | "signed_out" | "bad_identity" | "not_connected"} NotSentReason */
/**
 * What the chat draws on; render.js implements it for the page.
 * @typedef {object} ChatView
 * @property {(text: string, askedAt?: number) => void} addQuestion
 * @property {(answer: Answer) => void} addAnswer
 * @property {(answer: Answer, errorMessage?: string) => void} updateAnswer
 * @property {(text: string) => void} notice
 * @property {() => void} clear
 */
/**
 * @typedef {object} Chat
 * @property {string} conversationId the current conversation's
 * @property {import("./conversation-history.js").ConversationHistory} history
 * @property {(raw: string) => { ok: true, answerId: string } | { ok: false, reason: NotSentReason }} ask
 * @property {(data: unknown) => void} handleFrame
 * @property {(answerId: string) => boolean} stop
 * @property {(answerId: string) => ReturnType<Chat["ask"]>} retry
 * @property {() => void} connectionLost
 * @property {() => boolean} busy
 * @property {() => void} newConversation
 * @property {(id: string) => void} switchTo
 * @property {(id: string) => void} remove
 * @property {() => boolean} resume
 * @property {() => void} forget
 */
/**
 * @typedef {object} ChatOptions
 * @property {(message: unknown) => boolean} send
 * @property {() => { sub: string } | null} getUser
 * @property {ChatView} view
 * @property {() => void} [onTokenExpired]
 * @property {(tenantName: string | null) => void} [onHello] the reply to `hello` (the header's tenant name)
 * @property {() => string} [newId]
 * @property {() => string} [newConversation]
 * @property {import("./conversation-history.js").ConversationHistory} [history] in memory only when not given
 * @property {() => number} [now]
 * @property {import("./answer-watchdog.js").WatchdogTimers} [timers] the watchdog's
 * @property {number} [silenceMs]
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
  onHello = () => {},
  newId = randomId,
  newConversation = newConversationId,
  history = createConversationHistory({ newConversationId: newConversation }),
  now = () => Date.now(),
  timers,
  silenceMs,
}) {
  /** @type {Map<string, Answer>} answers in flight and this page's answered ones, by answerId */
  const answers = new Map();
  const watchdog = createAnswerWatchdog({
    timers,
    silenceMs,
    onSilent: (answerId) => {
      const answer = answers.get(answerId);
      if (!answer || isTerminal(answer)) return;
      // Best effort: if the answer step still runs, it stops spending on an answer nobody reads.
      send({ action: "stop", answerId });
      changed(applyEvent(answer, { type: "error", code: NO_REPLY, message: "" }));
    },
  });

  /** @param {Answer} answer */
  function show(answer) {
    const message = answer.phase === "error" && answer.error ? answerErrorMessage(answer.error.code, answer.error.message) : undefined;
    view.updateAnswer(answer, message);
  }

  /** @param {Answer} answer */
  function changed(answer) {
    if (isTerminal(answer)) {
      watchdog.disarm(answer.answerId);
      if (answer.endedAt === undefined) answer = { ...answer, endedAt: now() };
    } else {
      // Every event of an unfinished answer restarts its silence timer.
      watchdog.arm(answer.answerId);
    }
    answers.set(answer.answerId, answer);
    history.updateAnswer(answer);
    show(answer);
  }

  /** The current conversation, drawn afresh (after sign-in, a switch, a delete). */
  function render() {
    view.clear();
    for (const turn of history.current().turns) {
      const answer = answers.get(turn.answer.answerId) ?? turn.answer;
      view.addQuestion(turn.question, turn.askedAt || undefined);
      view.addAnswer(answer);
      show(answer);
    }
  }

  return {
    get conversationId() {
      return history.current().id;
    },

    history,

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
      if (!send({ action: "ask", answerId, conversationId: history.current().id, prompt: checked.prompt })) {
        return { ok: false, reason: "not_connected" };
      }
      const answer = createAnswer(answerId);
      answers.set(answerId, answer);
      history.addTurn(checked.prompt, answer);
      view.addQuestion(checked.prompt, history.current().turns.at(-1)?.askedAt ?? now());
      view.addAnswer(answer);
      watchdog.arm(answerId);
      return { ok: true, answerId };
    },

    /** Sends the stop frame for an unfinished answer; it ends when the server says `done` (I16). */
    stop(answerId) {
      const answer = answers.get(answerId);
      if (!answer || isTerminal(answer) || answer.stopRequested) return false;
      if (!send({ action: "stop", answerId })) return false;
      const stopping = requestStop(answer);
      answers.set(answerId, stopping);
      show(stopping);
      return true;
    },

    /** Asks the question of a failed, timed-out or stopped answer of this conversation again, as a new turn. */
    retry(answerId) {
      const turn = history.current().turns.find((t) => t.answer.answerId === answerId);
      const answer = answers.get(answerId) ?? turn?.answer;
      if (!turn || !answer || (answer.phase !== "error" && answer.phase !== "stopped")) return { ok: false, reason: "empty" };
      return this.ask(turn.question);
    },

    /** One WebSocket text frame from the server. */
    handleFrame(data) {
      const parsed = parseServerEvent(data);
      if (!parsed.ok) return;
      if (parsed.event.type === "hello") {
        onHello(parsed.event.tenantName ?? null);
        return;
      }
      const route = routeEvent(answers, parsed.event);
      if (route.kind === "answer") {
        changed(route.answer);
        if (route.answer.phase === "error" && route.answer.error?.code === "token_expired") onTokenExpired();
      } else if (route.kind === "notice") {
        view.notice(answerErrorMessage(route.code, route.message));
        if (route.code === "token_expired") onTokenExpired();
      }
    },

    /** The connection that would have carried the unfinished answers is gone. */
    connectionLost() {
      for (const answer of failUnfinished(answers)) changed(answer);
    },

    busy() {
      return unfinishedCount(answers) > 0;
    },

    /** Start a fresh agent conversation (a new conversationId, so a new agent session); the old one stays listed. */
    newConversation() {
      if (history.startNew()) render();
    },

    /** Show another of the user's conversations and ask in it (its own conversationId). */
    switchTo(id) {
      if (history.select(id)) render();
    },

    remove(id) {
      const wasCurrent = history.current().id === id;
      if (history.remove(id) && wasCurrent) render();
    },

    /**
     * After sign-in or a reload: show the signed-in user's current conversation. True when
     * the user had stored conversations.
     */
    resume() {
      const user = getUser();
      const had = user ? history.open(user.sub) : false;
      render();
      return had;
    },

    /** Sign-out: the conversations leave the page (they stay stored for their user only). */
    forget() {
      watchdog.disarmAll();
      history.close();
      answers.clear();
      view.clear();
    },
  };
}
