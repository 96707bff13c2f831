/**
 * Route-level replies (`pong`, `accepted`, rejections) go to the connection that sent the
 * frame being answered: API Gateway supplies that connectionId together with the
 * authorizer context of the same connection, so the recipient IS the requester and the
 * reply needs no ownership lookup (which would also leave a client with no registered
 * record without its error, breaking invariant 9). Anything sent to a connection named
 * in data (the answer step) goes through AnswerChannel's ownership check instead.
 */
import { GoneException, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import type { ServerEvent } from "../shared/protocol";
import type { ChatDependencies } from "./dependencies";

export type ReplyOutcome = "sent" | "gone";

export async function replyToSender(
  deps: Pick<ChatDependencies, "api" | "connections">,
  connectionId: string,
  event: ServerEvent,
): Promise<ReplyOutcome> {
  try {
    await deps.api.send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(event), "utf8") }),
    );
    return "sent";
  } catch (error) {
    if (error instanceof GoneException || (error as { name?: unknown }).name === "GoneException") {
      await deps.connections.delete(connectionId).catch(() => undefined);
      return "gone";
    }
    throw error;
  }
}
