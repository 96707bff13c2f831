/**
 * Everything a tool call derives from the session: the caller's identity and scoped
 * credentials (taken ONLY from sessionAttributes; the tools sign their reads with them,
 * lambdas/common/scoped-dynamodb.ts), and the `status` channel to the caller's connection.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { AnswerChannel, type ConnectionReader, type KnownOwners, type SendOutcome } from "../common/connections";
import { errorSummary } from "../common/logger";
import { status } from "../common/server-events";
import type { ScopedCredentials } from "../common/scoped-credentials";
import { parseSessionAttributes } from "../common/session-attributes";
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
  const a = parseSessionAttributes(sessionAttributes);
  // Only the code: which attribute failed, or its value, is not the caller's to learn.
  if (!a) throw new ToolError("missing_identity");
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

/**
 * Tool progress (`status` events) for the caller's connection. The connection comes from
 * sessionAttributes and AnswerChannel checks that its stored owner is the verified user
 * before posting (I6), reading it once per connection when given the environment's
 * `knownOwners`. Progress is best effort: a failure is logged, never
 * turned into a tool failure.
 */
export type StatusOutcome = SendOutcome | "failed";

/** Never rejects. */
export type StatusPoster = (identity: SessionIdentity, text: string) => Promise<StatusOutcome>;

export function createStatusPoster(
  api: ApiGatewayManagementApiClient,
  connections: ConnectionReader,
  logger: Pick<Logger, "warn" | "debug">,
  knownOwners?: KnownOwners,
): StatusPoster {
  return async (identity, text) => {
    try {
      const channel = await AnswerChannel.open(
        { api, connections, knownOwners },
        { connectionId: identity.connectionId, userId: identity.userId, tenantId: identity.tenantId },
      );
      const outcome = typeof channel === "string" ? channel : await channel.send(status(identity.answerId, text));
      if (outcome === "not_owner") logger.warn("status not posted: connection belongs to another user");
      else if (outcome === "gone") logger.debug("status not posted: connection gone");
      return outcome;
    } catch (error) {
      logger.warn("status not posted", errorSummary(error));
      return "failed";
    }
  };
}
