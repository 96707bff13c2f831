/**
 * All DOM writes for the conversation. Server data is put on the page with textContent /
 * dataset, except the answer text, which is Markdown rendered and sanitised by
 * markdown.js (never innerHTML of anything unsanitised), so a model answer cannot inject markup.
 */
import { renderAnswerActions } from "./answer-actions.js";
import { finishedStatus, isTerminal } from "./answers.js";
import { renderMarkdown } from "./markdown.js";
import { createScrollFollow } from "./scroll-follow.js";

/** @typedef {import("./answers.js").Answer} Answer */
/** @typedef {import("./chat.js").ChatView} ChatView */
/** @typedef {import("./connection.js").ConnectionState} ConnectionState */

/** @type {Readonly<Partial<Record<import("./answers.js").AnswerPhase, string>>>} */
const PROGRESS_TEXT = Object.freeze({
  sending: "Sending…",
  working: "Thinking…",
  streaming: "Writing…",
});

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {Document} doc
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(doc, tag, className, text) {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * `<time datetime="…">14:05</time>`: the local time, the full date and time on hover.
 * @param {Document} doc
 * @param {number} at epoch milliseconds
 */
export function timeElement(doc, at) {
  const date = new Date(at);
  const node = el(doc, "time", "time", date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  node.dateTime = date.toISOString();
  node.title = date.toLocaleString();
  return node;
}

/**
 * Inserts `node` just above the answer's buttons.
 * @param {HTMLElement} bubble
 * @param {HTMLElement} node
 */
function beforeActions(bubble, node) {
  const bar = bubble.querySelector(".actions");
  if (bar) bar.before(node);
  else bubble.append(node);
}

/** What a stopped answer says under its text. */
export const STOPPED_TEXT = "Stopped. The text above is all the assistant wrote.";

/**
 * The chat view over `#messages` and `#notice`; the controller in chat.js drives it.
 * `onStop` and `onRetry` are the Stop and Retry buttons under an answer (answer-actions.js).
 * @param {{ messages: HTMLElement, notice: HTMLElement, newMessages?: HTMLElement | null, doc?: Document, onStop?: (answerId: string) => void, onRetry?: (answerId: string) => void }} options
 * @returns {ChatView}
 */
export function createChatView({ messages, notice, newMessages = null, doc = document, onStop = () => {}, onRetry = () => {} }) {
  /** @type {Map<string, HTMLElement>} */
  const bubbles = new Map();
  /** @type {Map<string, string>} each answer's text, for Copy */
  const texts = new Map();
  const handlers = { onStop, onRetry, textOf: (/** @type {string} */ answerId) => texts.get(answerId) ?? "" };
  /** @type {WeakMap<HTMLElement, string>} the Markdown each answer's .text shows */
  const renderedText = new WeakMap();

  const scroll = createScrollFollow({ messages, cue: newMessages });
  /** @param {HTMLElement} node */
  const append = (node) => {
    const follow = scroll.atEnd();
    messages.append(node);
    scroll.afterUpdate(follow);
  };

  return {
    addQuestion(text, askedAt) {
      const bubble = el(doc, "article", "message user");
      bubble.setAttribute("aria-label", "You");
      bubble.append(el(doc, "p", "text", text));
      if (askedAt !== undefined) bubble.append(timeElement(doc, askedAt));
      messages.append(bubble);
      // The user's own question always comes into view, wherever they had scrolled.
      scroll.reveal();
    },

    addAnswer(answer) {
      const bubble = el(doc, "article", "message assistant");
      bubble.dataset.answerId = answer.answerId;
      bubble.dataset.phase = answer.phase;
      bubble.setAttribute("aria-label", "Assistant");
      bubble.setAttribute("aria-busy", "true");
      bubble.append(el(doc, "ul", "status"), el(doc, "div", "text markdown"), el(doc, "p", "progress", PROGRESS_TEXT[answer.phase]));
      bubbles.set(answer.answerId, bubble);
      texts.set(answer.answerId, answer.text);
      renderAnswerActions(bubble, answer, handlers, doc);
      append(bubble);
    },

    updateAnswer(answer, errorMessage) {
      const bubble = bubbles.get(answer.answerId);
      if (!bubble) return;
      const follow = scroll.atEnd();
      bubble.dataset.phase = answer.phase;
      const finished = isTerminal(answer) || String(answer.phase) === "stopped";
      // addAnswer made all three; a missing one is skipped rather than thrown on.
      const statusList = bubble.querySelector(".status");
      while (statusList && statusList.childElementCount < answer.statuses.length) {
        statusList.append(el(doc, "li", undefined, answer.statuses[statusList.childElementCount]));
      }
      // "Looking up your orders…" is under way; once the answer ends the "…" would say it still is.
      if (finished && statusList) {
        for (const item of statusList.children) item.textContent = finishedStatus(item.textContent ?? "");
      }
      const text = /** @type {HTMLElement | null} */ (bubble.querySelector(".text"));
      // Rendered into a detached fragment and swapped in one step: no flicker while streaming.
      if (text && renderedText.get(text) !== answer.text) {
        text.replaceChildren(renderMarkdown(answer.text));
        renderedText.set(text, answer.text);
      }
      // Sources under the answer: document names as plain text, never markup (I18).
      if (answer.citations?.length && !bubble.querySelector(".citations")) {
        const sources = el(doc, "p", "citations", `Sources: ${answer.citations.join(", ")}`);
        if (text) text.after(sources);
        else bubble.append(sources);
      }
      const progress = bubble.querySelector(".progress");
      const ended = answer.phase === "done" || answer.phase === "stopped" || answer.phase === "error";
      if (ended) {
        progress?.remove();
        bubble.setAttribute("aria-busy", "false");
      } else if (progress) {
        progress.textContent = answer.stopRequested ? "Stopping…" : (PROGRESS_TEXT[answer.phase] ?? "");
      }
      if (answer.phase === "stopped" && !bubble.querySelector(".stopped-text")) {
        bubble.classList.add("stopped");
        beforeActions(bubble, el(doc, "p", "stopped-text", STOPPED_TEXT));
      }
      if (answer.phase === "error") {
        bubble.classList.add("error");
        if (!bubble.querySelector(".error-text")) {
          const problem = el(doc, "p", "error-text", errorMessage);
          problem.setAttribute("role", "alert");
          beforeActions(bubble, problem);
        }
      }
      texts.set(answer.answerId, answer.text);
      // Buttons stay last (never moved: moving would take the keyboard focus off Stop).
      renderAnswerActions(bubble, answer, handlers, doc);
      if (ended && answer.endedAt !== undefined && !bubble.querySelector("time")) {
        bubble.querySelector(".actions")?.append(timeElement(doc, answer.endedAt));
      }
      scroll.afterUpdate(follow);
    },

    /** A problem not tied to one question (e.g. an error for a frame the server could not read). */
    notice(text) {
      notice.textContent = text;
    },

    clear() {
      bubbles.clear();
      texts.clear();
      for (const node of [...messages.querySelectorAll(".message")]) node.remove();
      notice.textContent = "";
    },
  };
}

/**
 * `#connection-state`: the text is exactly the state word (the browser tests read it).
 * @param {HTMLElement} node
 * @param {ConnectionState} state
 */
export function renderConnectionState(node, state) {
  node.textContent = state;
  node.dataset.state = state;
}

/**
 * `#who`: the username (from the ID token) and the tenant's display name once the server
 * has said it (the `hello` reply; the tenant id is an internal key, never shown).
 * @param {HTMLElement} node
 * @param {import("./session.js").SessionUser | null} user
 * @param {string | null} [tenantName]
 * @param {Document} [doc]
 */
export function renderWho(node, user, tenantName = null, doc = document) {
  node.replaceChildren();
  node.removeAttribute("title");
  if (!user) return;
  node.append(el(doc, "span", "who-user", user.username));
  if (tenantName) {
    node.append(doc.createTextNode(" · "), el(doc, "span", "who-tenant", tenantName));
    node.title = `Signed in as ${user.username} (${tenantName})`;
  }
}
