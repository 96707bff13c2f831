/**
 * The state of each answer on the page, keyed by answerId, and the pure reducer that
 * applies server events to it. Several questions can be in flight at once; each event
 * changes only the answer its answerId names.
 *
 * phase: "sending" (sent, not yet acknowledged) → "working" (accepted) →
 *        "streaming" (text arriving) → "done" | "stopped" | "error" (terminal).
 * "stopped": the asker pressed Stop and the server ended it with `done` `stopped: true`
 * (I16); the text so far, with the `text` that `done` carries, is all there is.
 * `stopRequested` is set from the Stop press until the end (the page shows "Stopping…").
 */

/** @typedef {import("./events.js").ServerEvent} ServerEvent */
/** @typedef {"sending" | "working" | "streaming" | "done" | "stopped" | "error"} AnswerPhase */
/**
 * @typedef {object} Answer
 * @property {string} answerId
 * @property {AnswerPhase} phase
 * @property {string[]} statuses
 * @property {string} text
 * @property {string[]} [citations] names of the knowledge documents the answer cites
 * @property {{ code: string, message: string }} [error]
 * @property {boolean} [stopRequested]
 * @property {number} [endedAt] epoch milliseconds of the terminal event
 */
/**
 * @typedef {{ kind: "answer", answer: Answer }
 *   | { kind: "notice", code: string, message: string }
 *   | { kind: "pong" }
 *   | { kind: "ignore" }} Route
 */

/** @type {readonly AnswerPhase[]} */
export const TERMINAL_PHASES = Object.freeze(/** @type {AnswerPhase[]} */ (["done", "stopped", "error"]));

/** A client-side code for questions cut off by a dropped connection. */
export const CONNECTION_LOST = /** @type {const} */ ("connection_lost");
/** A client-side code for an answer that got no event for too long (answer-watchdog.js). */
export const NO_REPLY = /** @type {const} */ ("no_reply");

/**
 * @param {string} answerId
 * @returns {Answer}
 */
export function createAnswer(answerId) {
  return { answerId, phase: "sending", statuses: [], text: "" };
}

/** @param {Answer} answer */
export function isTerminal(answer) {
  return TERMINAL_PHASES.includes(answer.phase);
}

/**
 * Pure: the answer after one event that names it. Events after the end are ignored.
 * @param {Answer} answer
 * @param {ServerEvent} event
 * @returns {Answer}
 */
export function applyEvent(answer, event) {
  if (isTerminal(answer)) return answer;
  switch (event.type) {
    case "accepted":
      return answer.phase === "sending" ? { ...answer, phase: "working" } : answer;
    case "status":
      return { ...answer, phase: answer.phase === "streaming" ? "streaming" : "working", statuses: [...answer.statuses, event.text] };
    case "chunk":
      return { ...answer, phase: "streaming", text: answer.text + event.text };
    case "citations":
      return { ...answer, citations: event.documents };
    case "done":
      // The answer's last text may ride in `done` (all of a one-line answer).
      return { ...answer, phase: event.stopped ? "stopped" : "done", text: answer.text + (event.text ?? "") };
    case "stopping":
      // The stop was recorded; the answer still ends with its own `done`.
      return answer.stopRequested ? answer : { ...answer, stopRequested: true };
    case "error":
      return { ...answer, phase: "error", error: { code: event.code, message: event.message } };
    default:
      return answer;
  }
}

/**
 * Pure: where an event goes. `answer` (one of ours changed), `notice` (an error not tied
 * to any of our questions), `pong`, or `ignore` (an answerId we never asked, or a late event).
 * @param {ReadonlyMap<string, Answer>} answers
 * @param {ServerEvent} event
 * @returns {Route}
 */
export function routeEvent(answers, event) {
  if (event.type === "pong") return { kind: "pong" };
  if (event.type === "hello") return { kind: "ignore" };
  if (event.answerId === undefined) {
    return event.type === "error" ? { kind: "notice", code: event.code, message: event.message } : { kind: "ignore" };
  }
  const current = answers.get(event.answerId);
  if (current === undefined) {
    // An error for an answerId we do not hold is still worth showing: the question was refused.
    return event.type === "error" ? { kind: "notice", code: event.code, message: event.message } : { kind: "ignore" };
  }
  const next = applyEvent(current, event);
  return next === current ? { kind: "ignore" } : { kind: "answer", answer: next };
}

/**
 * Pure: the answer once the asker pressed Stop (no change once it has ended).
 * @param {Answer} answer
 * @returns {Answer}
 */
export function requestStop(answer) {
  return isTerminal(answer) || answer.stopRequested ? answer : { ...answer, stopRequested: true };
}

/**
 * Pure: every unfinished answer, failed because the connection that would carry it is gone.
 * @param {ReadonlyMap<string, Answer>} answers
 * @returns {Answer[]}
 */
export function failUnfinished(answers) {
  /** @type {Answer[]} */
  const failed = [];
  for (const answer of answers.values()) {
    if (!isTerminal(answer)) {
      failed.push(applyEvent(answer, { type: "error", code: CONNECTION_LOST, message: "" }));
    }
  }
  return failed;
}

/** @param {ReadonlyMap<string, Answer>} answers */
export function unfinishedCount(answers) {
  let n = 0;
  for (const answer of answers.values()) if (!isTerminal(answer)) n++;
  return n;
}

/**
 * Pure: a tool status line as shown once its answer has ended: "Looking up your orders…"
 * says the lookup is under way, so the trailing "…" (or "...") goes.
 * @param {string} text
 */
export function finishedStatus(text) {
  return text.replace(/\s*(…|\.\.\.)\s*$/u, "");
}
