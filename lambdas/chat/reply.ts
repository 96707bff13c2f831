/**
 * Route-level replies (`pong`, `accepted`, rejections) go to the connection that sent the
 * frame being answered: API Gateway supplies that connectionId together with the
 * authorizer context of the same connection, so the recipient IS the requester and the
 * reply needs no ownership lookup (which would also leave a client with no registered
 * record without its error, breaking invariant 9). Anything sent to a connection named
 * in data (the answer step) goes through AnswerChannel's ownership check instead.
 */
import { postToConnection, type PostOutcome } from "../shared/post-to-connection";
import type { ServerEvent } from "../shared/protocol";
import type { ChatDependencies } from "./dependencies";

export async function replyToSender(
  deps: Pick<ChatDependencies, "api" | "connections">,
  connectionId: string,
  event: ServerEvent,
): Promise<PostOutcome> {
  const posted = await postToConnection(deps.api, connectionId, event);
  // Best effort: the record's TTL removes it anyway.
  if (posted === "gone") await deps.connections.delete(connectionId).catch(() => undefined);
  return posted;
}
