/**
 * Parses server events (design brief section 4) from WebSocket text frames.
 * Never throws: a frame the page does not understand is reported, not fatal.
 */

export const EVENT_TYPES = Object.freeze(["accepted", "status", "chunk", "done", "error", "pong"]);

const isString = (v) => typeof v === "string";

/** `{ ok: true, event }` or `{ ok: false, reason }`. */
export function parseServerEvent(data) {
  if (!isString(data)) return { ok: false, reason: "frame is not text" };
  let raw;
  try {
    raw = JSON.parse(data);
  } catch {
    return { ok: false, reason: "frame is not JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { ok: false, reason: "frame is not an object" };
  const { type, answerId } = raw;
  switch (type) {
    case "pong":
      return { ok: true, event: { type } };
    case "accepted":
    case "done":
      if (!isString(answerId)) return { ok: false, reason: `${type} without answerId` };
      return { ok: true, event: { type, answerId } };
    case "status":
    case "chunk":
      if (!isString(answerId)) return { ok: false, reason: `${type} without answerId` };
      if (!isString(raw.text)) return { ok: false, reason: `${type} without text` };
      return { ok: true, event: { type, answerId, text: raw.text } };
    case "error": {
      if (answerId !== undefined && !isString(answerId)) return { ok: false, reason: "error with a non-string answerId" };
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
