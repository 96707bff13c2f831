/**
 * The WebSocket events API Gateway hands the chat function (every route) and what the
 * function returns, with the checks every route needs: is it such an event, and the text
 * frame it carries, and how a frame's route handler replies. No client of any AWS service
 * here: the entry point reads it before it knows which route's modules to load.
 */
import type { PostOutcome } from "../common/connections";
import type { ServerEvent } from "../common/server-events";

export interface WebSocketEvent {
  requestContext: {
    routeKey: string;
    connectionId: string;
    eventType?: string;
    /** Set by API Gateway from the `$connect` authorizer's context, on every route. */
    authorizer?: unknown;
  };
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface WebSocketResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A client frame's one reply (I9), kept and returned as the result's body: the frame routes
 * are two-way, so API Gateway sends it back to the sender once the function returns
 * (routes.ts `handleMessage`). The last one given is the reply.
 */
export type Reply = (event: ServerEvent) => void;

/**
 * A reply posted at once with PostToConnection, for the rare one that must reach the client
 * before something else the handler does (a renewal refused with a hang-up).
 */
export type PostNow = (event: ServerEvent) => Promise<PostOutcome>;

export function isWebSocketEvent(event: unknown): event is WebSocketEvent {
  if (typeof event !== "object" || event === null) return false;
  const ctx = (event as { requestContext?: unknown }).requestContext;
  if (typeof ctx !== "object" || ctx === null) return false;
  const { routeKey, connectionId } = ctx as { routeKey?: unknown; connectionId?: unknown };
  return typeof routeKey === "string" && typeof connectionId === "string" && connectionId.length > 0;
}

/** The text frame, decoded when API Gateway delivered it base64-encoded. */
export function frameText(event: WebSocketEvent): string | undefined {
  if (typeof event.body !== "string") return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
}
