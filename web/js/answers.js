/**
 * The state of each answer on the page, keyed by answerId, and the pure reducer that
 * applies server events to it. Several questions can be in flight at once; each event
 * changes only the answer its answerId names.
 *
 * Answer = { answerId, phase, statuses: string[], text, error?: { code, message } }
 * phase: "sending" (sent, not yet acknowledged) → "working" (accepted) →
 *        "streaming" (text arriving) → "done" | "error" (terminal).
 */

export const TERMINAL_PHASES = Object.freeze(["done", "error"]);

/** A client-side code for questions cut off by a dropped connection. */
export const CONNECTION_LOST = "connection_lost";

export function createAnswer(answerId) {
  return { answerId, phase: "sending", statuses: [], text: "" };
}

export function isTerminal(answer) {
  return TERMINAL_PHASES.includes(answer.phase);
}

/** Pure: the answer after one event that names it. Events after the end are ignored. */
export function applyEvent(answer, event) {
  if (isTerminal(answer)) return answer;
  switch (event.type) {
    case "accepted":
      return answer.phase === "sending" ? { ...answer, phase: "working" } : answer;
    case "status":
      return { ...answer, phase: answer.phase === "streaming" ? "streaming" : "working", statuses: [...answer.statuses, event.text] };
    case "chunk":
      return { ...answer, phase: "streaming", text: answer.text + event.text };
    case "done":
      return { ...answer, phase: "done" };
    case "error":
      return { ...answer, phase: "error", error: { code: event.code, message: event.message } };
    default:
      return answer;
  }
}

/**
 * Pure: where an event goes. `answer` (one of ours changed), `notice` (an error not tied
 * to any of our questions), `pong`, or `ignore` (an answerId we never asked, or a late event).
 */
export function routeEvent(answers, event) {
  if (event.type === "pong") return { kind: "pong" };
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

/** Pure: every unfinished answer, failed because the connection that would carry it is gone. */
export function failUnfinished(answers) {
  const failed = [];
  for (const answer of answers.values()) {
    if (!isTerminal(answer)) {
      failed.push(applyEvent(answer, { type: "error", code: CONNECTION_LOST, message: "" }));
    }
  }
  return failed;
}

export function unfinishedCount(answers) {
  let n = 0;
  for (const answer of answers.values()) if (!isTerminal(answer)) n++;
  return n;
}
