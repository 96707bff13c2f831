/**
 * The client's half of the WebSocket protocol (docs/architecture.md §Protocol): client
 * messages are parsed with zod; and `ServerEventSchema`, the server events' shapes for the
 * clients and tests that read them. The events themselves are built in server-events.ts,
 * which has no zod: only the chat function's message routes load this module (their chunk),
 * so no function pays for these schemas at start (docs/performance.md, "Cold start").
 */
import { en } from "zod/locales";
import * as z from "zod/mini";
import { ANSWER_ID_PATTERN, ID_PIECE_PATTERN } from "./identifiers";
import { ERROR_CODES, type ServerEvent } from "./server-events";

// zod/mini loads no locale, so its issues all read "Invalid input". Client-facing messages
// ("Unrecognized key: …", "expected string, received number") need the English one, which
// classic zod installs globally on import; installing it here keeps those texts unchanged.
// Imported by name: `z.locales.en` would pull every locale into the bundle.
z.config(en());

export const PROMPT_MAX_CHARS = 4000;
/** API Gateway refuses frames over 32 KB and messages over 128 KB; we refuse earlier. */
export const MAX_MESSAGE_BYTES = 32 * 1024;

export const AskMessage = z.strictObject({
  action: z.literal("ask"),
  answerId: z.string().check(z.regex(ANSWER_ID_PATTERN, "answerId must be <sub>.<id> with [A-Za-z0-9-]{1,48}")),
  conversationId: z.string().check(z.regex(ID_PIECE_PATTERN, "conversationId must be [A-Za-z0-9-]{1,48}")),
  prompt: z
    .string()
    .check(
      z.minLength(1, "prompt must not be empty"),
      z.maxLength(PROMPT_MAX_CHARS, `prompt must be at most ${PROMPT_MAX_CHARS} characters`),
    ),
});
export type AskMessage = z.infer<typeof AskMessage>;

export const PingMessage = z.strictObject({ action: z.literal("ping") });
export type PingMessage = z.infer<typeof PingMessage>;

/** Stop streaming one of the caller's own answers (its answerId must start with the caller's sub, I5). */
export const StopMessage = z.strictObject({
  action: z.literal("stop"),
  answerId: z.string().check(z.regex(ANSWER_ID_PATTERN, "answerId must be <sub>.<id> with [A-Za-z0-9-]{1,48}")),
});
export type StopMessage = z.infer<typeof StopMessage>;

/** Far above a Cognito ID token (~1–2 KB with custom attributes); the authorizer's own cap. */
export const MAX_RENEW_TOKEN_CHARS = 8192;

/**
 * Renew the open connection's authorization with a fresh ID token of the same user
 * (I2, I17): verified as the authorizer verifies it, refused with the connection closed
 * when it names another user or tenant. The token is never echoed or logged.
 */
export const RenewMessage = z.strictObject({
  action: z.literal("renew"),
  token: z
    .string()
    .check(
      z.minLength(1, "token must not be empty"),
      z.maxLength(MAX_RENEW_TOKEN_CHARS, `token must be at most ${MAX_RENEW_TOKEN_CHARS} characters`),
    ),
});
export type RenewMessage = z.infer<typeof RenewMessage>;

/** The page asks for its header: answered with `hello` (the caller's own tenant display name). */
export const HelloMessage = z.strictObject({ action: z.literal("hello") });
export type HelloMessage = z.infer<typeof HelloMessage>;

export const ClientMessage = z.discriminatedUnion("action", [AskMessage, PingMessage, StopMessage, RenewMessage, HelloMessage]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerEventSchema: z.ZodMiniType<ServerEvent> = z.discriminatedUnion("type", [
  z.object({ type: z.literal("accepted"), answerId: z.string() }),
  z.object({ type: z.literal("status"), answerId: z.string(), text: z.string() }),
  z.object({ type: z.literal("chunk"), answerId: z.string(), text: z.string() }),
  z.object({ type: z.literal("done"), answerId: z.string(), text: z.optional(z.string()), stopped: z.optional(z.literal(true)) }),
  z.object({ type: z.literal("stopping"), answerId: z.string() }),
  z.object({ type: z.literal("citations"), answerId: z.string(), documents: z.array(z.string()) }),
  z.object({
    type: z.literal("error"),
    answerId: z.optional(z.string()),
    code: z.enum(ERROR_CODES),
    message: z.string(),
  }),
  z.object({ type: z.literal("renewed"), expiresAt: z.number() }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("hello"), tenantName: z.optional(z.string()) }),
]);

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; message: string; answerId?: string };

/**
 * Parse one text frame. Never throws: bad input yields a specific, client-safe message
 * (and the answerId when one can be read, so the client can pair the error with its question).
 */
export function parseClientMessage(body: string | null | undefined): ParseResult {
  if (body === null || body === undefined || body.length === 0) return { ok: false, message: "empty message" };
  if (Buffer.byteLength(body, "utf8") > MAX_MESSAGE_BYTES) {
    return { ok: false, message: `message exceeds ${MAX_MESSAGE_BYTES} bytes` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, message: "message is not valid JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, message: "message must be a JSON object" };
  }
  const candidate = raw as Record<string, unknown>;
  const answerId =
    typeof candidate.answerId === "string" && ANSWER_ID_PATTERN.test(candidate.answerId)
      ? candidate.answerId
      : undefined;
  const parsed = ClientMessage.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  const text =
    issue.code === "invalid_union" && issue.path[0] === "action"
      ? `unknown action ${JSON.stringify(String(candidate.action)).slice(0, 40)}`
      : `${where}${issue.message}`;
  return answerId === undefined ? { ok: false, message: text } : { ok: false, message: text, answerId };
}
