/**
 * The server's half of the WebSocket protocol (docs/architecture.md §Protocol): the events
 * the functions send, built by the functions below so their shape has one definition (the
 * page parses them in `web/js/events.js`). No zod here: the chat function's entry and the
 * action group load this module at start, and neither parses an event (cold start,
 * docs/performance.md); the client's half, parsed with zod, is protocol.ts, which only the
 * chat function's message routes load, and `ServerEventSchema` there checks these shapes
 * for the clients and tests.
 */

export const ERROR_CODES = [
  "bad_request",
  "forbidden",
  "token_expired",
  "session_ended",
  "throttled",
  "budget_exhausted",
  "agent_error",
  "internal",
  /** The answer step never ran (Lambda dropped it: too old in the queue, or it failed): ask again. */
  "answer_dropped",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ServerEvent =
  | { type: "accepted"; answerId: string }
  | { type: "status"; answerId: string; text: string }
  | { type: "chunk"; answerId: string; text: string }
  | { type: "done"; answerId: string; text?: string; stopped?: true }
  | { type: "stopping"; answerId: string }
  | { type: "citations"; answerId: string; documents: string[] }
  | { type: "error"; answerId?: string; code: ErrorCode; message: string }
  | { type: "renewed"; expiresAt: number }
  | { type: "pong" }
  | { type: "hello"; tenantName?: string };

export const accepted = (answerId: string): ServerEvent => ({ type: "accepted", answerId });
export const status = (answerId: string, text: string): ServerEvent => ({ type: "status", answerId, text });
export const chunk = (answerId: string, text: string): ServerEvent => ({ type: "chunk", answerId, text });
/** The caller's knowledge documents the answer drew on (names only, I18), once, before `done`. */
export const citations = (answerId: string, documents: string[]): ServerEvent => ({ type: "citations", answerId, documents });
/**
 * The answer is complete. `text`: its last text that no `chunk` carried (left out when
 * empty): a one-line answer comes whole in `done`, one message instead of two.
 */
export const done = (answerId: string, text = ""): ServerEvent => (text === "" ? { type: "done", answerId } : { type: "done", answerId, text });
/** The answer ended early because its asker sent `stop`: the chunks sent, and this event's `text`, are all there is. */
export const doneStopped = (answerId: string, text = ""): ServerEvent =>
  text === "" ? { type: "done", answerId, stopped: true } : { type: "done", answerId, text, stopped: true };
/** Reply to `stop`: the request is recorded; the answer itself ends with a `done` (stopped or not). */
export const stopping = (answerId: string): ServerEvent => ({ type: "stopping", answerId });
export const pong = (): ServerEvent => ({ type: "pong" });
/** Reply to `hello`: the display name of the caller's own tenant, left out when it could not be read. */
export const hello = (tenantName?: string): ServerEvent => (tenantName === undefined ? { type: "hello" } : { type: "hello", tenantName });
/** Reply to `renew`: the connection is now served until `expiresAt` (epoch seconds, the fresh token's `exp`). */
export const renewed = (expiresAt: number): ServerEvent => ({ type: "renewed", expiresAt });
export const errorEvent = (code: ErrorCode, message: string, answerId?: string): ServerEvent =>
  answerId === undefined ? { type: "error", code, message } : { type: "error", answerId, code, message };
