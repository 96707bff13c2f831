/**
 * The buttons under an answer and what Copy does. While an answer is unfinished it has
 * Stop (the stop frame, I16; "Stopping…" once pressed); once it has ended it has Copy
 * (when there is text) and, when it failed, timed out or was stopped, Retry (the same
 * question asked again). The buttons are rebuilt only when that set changes, never per
 * streamed chunk, so keyboard focus stays where it is.
 */

/** @typedef {import("./answers.js").Answer} Answer */
/**
 * @typedef {object} AnswerActionHandlers
 * @property {(answerId: string) => void} onStop
 * @property {(answerId: string) => void} onRetry
 * @property {(answerId: string) => string} textOf the answer's text (Markdown) as it is now
 */
/** @typedef {{ writeText(text: string): Promise<void> }} ClipboardLike */

/** How long "Copied" stays on the button. */
export const COPIED_MS = 2_000;

/**
 * Pure: the buttons an answer offers now.
 * @param {Answer} answer
 * @returns {("stop" | "stopping" | "copy" | "retry")[]}
 */
export function answerActions(answer) {
  if (answer.phase === "done") return answer.text ? ["copy"] : [];
  if (answer.phase === "error" || answer.phase === "stopped") return answer.text ? ["copy", "retry"] : ["retry"];
  return [answer.stopRequested ? "stopping" : "stop"];
}

/**
 * Puts `text` on the clipboard: the Clipboard API where the page may use it, else the
 * older copy command on a hidden text area (plain http on a LAN address is not a secure
 * context, and some browsers refuse the API without a permission). True when copied.
 * @param {string} text
 * @param {{ clipboard?: ClipboardLike | undefined, doc?: Document }} [options]
 * @returns {Promise<boolean>}
 */
export async function copyText(text, { clipboard = globalThis.navigator?.clipboard, doc = document } = {}) {
  if (clipboard && typeof clipboard.writeText === "function") {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission, document not focused): try the fallback.
    }
  }
  const area = doc.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  area.style.pointerEvents = "none";
  const focused = doc.activeElement;
  doc.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = doc.execCommand("copy");
  } catch {
    copied = false;
  } finally {
    area.remove();
    // Selecting the hidden text area took the focus; give it back (no HTMLElement global under test).
    if (focused && "focus" in focused && typeof focused.focus === "function") /** @type {HTMLElement} */ (focused).focus();
  }
  return copied;
}

/**
 * @param {Document} doc
 * @param {string} className
 * @param {string} label
 * @param {string} [accessibleName]
 */
function button(doc, className, label, accessibleName) {
  const node = doc.createElement("button");
  node.type = "button";
  node.className = `button link ${className}`;
  node.textContent = label;
  if (accessibleName) node.setAttribute("aria-label", accessibleName);
  return node;
}

/**
 * Draws the answer's buttons into its `.actions` element (made when missing).
 * @param {HTMLElement} bubble
 * @param {Answer} answer
 * @param {AnswerActionHandlers} handlers
 * @param {Document} [doc]
 */
export function renderAnswerActions(bubble, answer, handlers, doc = document) {
  const wanted = answerActions(answer);
  let bar = /** @type {HTMLElement | null} */ (bubble.querySelector(".actions"));
  if (!bar) {
    bar = doc.createElement("div");
    bar.className = "actions";
    bubble.append(bar);
  }
  const signature = wanted.join(" ");
  if (bar.dataset.actions === signature) return;
  const hadFocus = bar.contains(doc.activeElement);
  bar.dataset.actions = signature;
  bar.replaceChildren();
  const { answerId } = answer;
  for (const action of wanted) {
    if (action === "stop" || action === "stopping") {
      const stop = button(doc, "stop", action === "stop" ? "Stop" : "Stopping…", action === "stop" ? "Stop this answer" : undefined);
      stop.disabled = action === "stopping";
      stop.addEventListener("click", () => handlers.onStop(answerId));
      bar.append(stop);
    } else if (action === "retry") {
      const retry = button(doc, "retry", "Retry", "Ask this question again");
      retry.addEventListener("click", () => handlers.onRetry(answerId));
      bar.append(retry);
    } else {
      const copy = button(doc, "copy", "Copy", "Copy this answer");
      const status = doc.createElement("span");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let reset;
      copy.addEventListener("click", async () => {
        const copied = await copyText(handlers.textOf(answerId), { doc });
        // Beside the button, visible and announced once; gone after a moment.
        status.textContent = copied ? "Copied" : "Could not copy: select the text and copy it by hand.";
        clearTimeout(reset);
        reset = setTimeout(() => {
          status.textContent = "";
        }, COPIED_MS);
      });
      bar.append(copy, status);
    }
  }
  // The Stop button turns into Copy/Retry at the end: keep focus inside the bar.
  if (hadFocus) /** @type {HTMLElement | null} */ (bar.querySelector("button:not(:disabled)"))?.focus();
}
