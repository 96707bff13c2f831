/**
 * The question box's live character count. The box has no maxlength (a pasted 5000-char
 * question would be cut to 4000 without a word); instead the count turns to a warning
 * near the limit, is announced (aria-live polite) only from there on, and a question over
 * the limit is refused with how much to cut. Counts what would be sent: the trimmed text,
 * in UTF-16 code units like the server's check (lambdas/common/protocol.ts).
 */
import { PROMPT_MAX_CHARS } from "./chat.js";

/** From this share of the limit on, the count is shown as a warning and announced. */
export const NEAR_LIMIT_SHARE = 0.9;

/**
 * @typedef {object} PromptCounter
 * @property {number} length
 * @property {"ok" | "near" | "over"} state
 * @property {string} text
 * @property {"off" | "polite"} live
 */

/**
 * Pure: the counter's text, state ("ok" | "near" | "over") and aria-live value.
 * @param {unknown} raw
 * @param {number} [max]
 * @returns {PromptCounter}
 */
export function promptCounter(raw, max = PROMPT_MAX_CHARS) {
  const length = typeof raw === "string" ? raw.trim().length : 0;
  const state = length > max ? "over" : length >= Math.ceil(max * NEAR_LIMIT_SHARE) ? "near" : "ok";
  const text = state === "over" ? `${length} / ${max} · ${length - max} too many` : `${length} / ${max}`;
  return { length, state, text, live: state === "ok" ? "off" : "polite" };
}

/**
 * Pure: why a question over the limit was not sent, and by how much to shorten it.
 * @param {unknown} raw
 * @param {number} [max]
 */
export function tooLongMessage(raw, max = PROMPT_MAX_CHARS) {
  const { length } = promptCounter(raw, max);
  return `That question is too long: ${length} characters, ${max} at most. Shorten it by ${length - max} and send again.`;
}
