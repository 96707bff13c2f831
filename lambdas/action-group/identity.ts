/**
 * The caller's identity and scoped credentials, taken ONLY from the event's
 * sessionAttributes (set by the chat function, never shown to the model). Tool
 * parameters are never consulted: invariant 1.
 */
import type { ScopedCredentials } from "../shared/scoped-credentials";
import { SessionAttributes } from "../shared/session-attributes";
import { ToolError } from "./errors";

export interface SessionIdentity {
  tenantId: string;
  userId: string;
  answerId: string;
  connectionId: string;
  credentials: ScopedCredentials;
}

/**
 * Credentials this close to expiry are refused up front rather than failing halfway
 * through a tool call with a less specific error.
 */
export const EXPIRY_MARGIN_MS = 5_000;

export function readSessionIdentity(sessionAttributes: unknown, now: Date = new Date()): SessionIdentity {
  const parsed = SessionAttributes.safeParse(sessionAttributes);
  // The zod issues would name values from the event: keep only the code.
  if (!parsed.success) throw new ToolError("missing_identity");
  const a = parsed.data;
  const expiration = new Date(a.credentialsExpiration);
  if (expiration.getTime() - EXPIRY_MARGIN_MS <= now.getTime()) throw new ToolError("credentials_expired");
  return {
    tenantId: a.tenantId,
    userId: a.userId,
    answerId: a.answerId,
    connectionId: a.connectionId,
    credentials: {
      accessKeyId: a.accessKeyId,
      secretAccessKey: a.secretAccessKey,
      sessionToken: a.sessionToken,
      expiration,
    },
  };
}
