/**
 * Parses server events (docs/architecture.md §Protocol) from WebSocket text frames.
 * Never throws: a frame the page does not understand is reported, not fatal.
 */

/**
 * @typedef {{ type: "accepted", answerId: string }
 *   | { type: "status", answerId: string, text: string }
 *   | { type: "chunk", answerId: string, text: string }
 *   | { type: "citations", answerId: string, documents: string[] }
 *   | { type: "done", answerId: string, text?: string, stopped?: true }
 *   | { type: "stopping", answerId: string }
 *   | { type: "error", answerId?: string, code: string, message: string }
 *   | { type: "pong" }
 *   | { type: "hello", tenantName?: string }} ServerEvent
 */
/** @typedef {{ ok: true, event: ServerEvent } | { ok: false, reason: string }} ParsedEvent */

/** @type {readonly ServerEvent["type"][]} */
export const EVENT_TYPES = Object.freeze(/** @type {ServerEvent["type"][]} */ (["accepted", "status", "chunk", "citations", "done", "stopping", "error", "pong", "hello"]));

/** The server sends at most 10 names (lambdas/chat/knowledge-filter.ts); the page shows no more. */
export const MAX_CITATIONS = 10;

/**
 * @param {unknown} v
 * @returns {v is string}
 */
const isString = (v) => typeof v === "string";

/**
 * Whether a frame is the `pong` (liveness.js). Cheap for the frames that are not: an
 * answer's text is parsed only when it could be one.
 * @param {unknown} data
 * @returns {boolean}
 */
export function isPong(data) {
  if (!isString(data) || !data.includes('"pong"')) return false;
  const parsed = parseServerEvent(data);
  return parsed.ok && parsed.event.type === "pong";
}

/**
 * `{ ok: true, event }` or `{ ok: false, reason }`.
 * @param {unknown} data
 * @returns {ParsedEvent}
 */
export function parseServerEvent(data) {
  if (!isString(data)) return { ok: false, reason: "frame is not text" };
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { ok: false, reason: "frame is not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ok: false, reason: "frame is not an object" };
  const raw = /** @type {Record<string, unknown>} */ (parsed);
  const { type, answerId } = raw;
  switch (type) {
    case "hello":
      // The caller's own tenant display name, for the header: shown as text, at most 100 characters.
      return { ok: true, event: isString(raw.tenantName) && raw.tenantName.trim() ? { type, tenantName: raw.tenantName.trim().slice(0, 100) } : { type } };
    case "pong":
      return { ok: true, event: { type } };
    case "accepted":
    case "stopping":
      if (!isString(answerId)) return { ok: false, reason: `${type} without answerId` };
      return { ok: true, event: { type, answerId } };
    case "done": {
      if (!isString(answerId)) return { ok: false, reason: "done without answerId" };
      if (raw.text !== undefined && !isString(raw.text)) return { ok: false, reason: "done with a non-string text" };
      // `text`: the answer's last text, which no chunk carried (a one-line answer comes whole in `done`).
      // `stopped: true`: the asker stopped it; the chunks so far and this text are all there is (I16).
      /** @type {Extract<ServerEvent, { type: "done" }>} */
      const event = { type, answerId };
      if (isString(raw.text) && raw.text !== "") event.text = raw.text;
      if (raw.stopped === true) event.stopped = true;
      return { ok: true, event };
    }
    case "status":
    case "chunk":
      if (!isString(answerId)) return { ok: false, reason: `${type} without answerId` };
      if (!isString(raw.text)) return { ok: false, reason: `${type} without text` };
      return { ok: true, event: { type, answerId, text: raw.text } };
    case "citations": {
      // Document names of the caller's own knowledge base (I18): shown as text, a few at most.
      if (!isString(answerId)) return { ok: false, reason: "citations without answerId" };
      const documents = raw.documents;
      if (!Array.isArray(documents) || !documents.every(isString)) return { ok: false, reason: "citations without a list of document names" };
      return { ok: true, event: { type, answerId, documents: documents.slice(0, MAX_CITATIONS).map((d) => d.slice(0, 100)) } };
    }
    case "error": {
      if (answerId !== undefined && !isString(answerId)) return { ok: false, reason: "error with a non-string answerId" };
      /** @type {Extract<ServerEvent, { type: "error" }>} */
      const event = {
        type,
        code: isString(raw.code) ? raw.code : "internal",
        message: isString(raw.message) ? raw.message : "",
      };
      if (isString(answerId)) event.answerId = answerId;
      return { ok: true, event };
    }
    default:
      return { ok: false, reason: "unknown event type" };
  }
}
