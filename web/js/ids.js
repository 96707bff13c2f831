/**
 * Client-chosen ids: the random piece of an answerId and the conversationId.
 * Formats match lambdas/common/identifiers.ts (ID_PIECE_PATTERN, ANSWER_ID_PATTERN).
 */

export const ID_PIECE_PATTERN = /^[A-Za-z0-9-]{1,48}$/;
export const SUB_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export class IdError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "IdError";
    /** @readonly */
    this.code = /** @type {const} */ ("bad_id");
  }
}

/** @typedef {(n: number) => Uint8Array} RandomBytes */

// getRandomValues, unlike randomUUID, also works on a page served over plain http.
/** @type {RandomBytes} */
const defaultRandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));

/**
 * 32 hex characters from 16 random bytes.
 * @param {RandomBytes} [randomBytes]
 */
export function randomId(randomBytes = defaultRandomBytes) {
  return Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * `<sub>.<random id>`: the server refuses an answerId whose prefix is not the caller's sub.
 * @param {string} sub
 * @param {string} [id]
 */
export function buildAnswerId(sub, id = randomId()) {
  if (!SUB_PATTERN.test(sub)) throw new IdError("sub is not a Cognito sub");
  if (!ID_PIECE_PATTERN.test(id)) throw new IdError("answer id piece must be [A-Za-z0-9-]{1,48}");
  return `${sub}.${id}`;
}

/** @param {RandomBytes} [randomBytes] */
export function newConversationId(randomBytes = defaultRandomBytes) {
  return randomId(randomBytes);
}
