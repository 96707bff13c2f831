/** `$disconnect`: forget the connection, so nothing is sent to it or in its name again. */
import { errorSummary } from "../shared/logger";
import type { ChatDependencies } from "./dependencies";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event";

export async function handleDisconnect(event: WebSocketEvent, deps: ChatDependencies): Promise<WebSocketResult> {
  try {
    await deps.connections.delete(event.requestContext.connectionId);
  } catch (error) {
    // The record's TTL removes it anyway; API Gateway ignores $disconnect results.
    deps.logger.error("disconnect: could not delete the connection", errorSummary(error));
    return { statusCode: 500 };
  }
  deps.logger.info("disconnected");
  return { statusCode: 200 };
}
