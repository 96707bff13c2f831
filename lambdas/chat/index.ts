/**
 * The chat function: WebSocket routes (`$connect`, `$disconnect`, `ask`, `ping`,
 * `$default`) and, invoked asynchronously by itself, the answer step. Thin: it picks the
 * handler; configuration and clients are built once per execution environment.
 */
import type { Context } from "aws-lambda";
import { createLogger, errorSummary } from "../shared/logger";
import { answer } from "./answer";
import { isAnswerRequestLike, parseAnswerRequest } from "./answer-request";
import { createDependencies } from "./clients";
import { loadChatConfig } from "./config";
import { handleConnect } from "./connect";
import type { ChatDependencies } from "./dependencies";
import { handleDisconnect } from "./disconnect";
import { handleMessage } from "./message";
import { isWebSocketEvent, type WebSocketResult } from "./websocket-event";

const logger = createLogger("chat");
let dependencies: ChatDependencies | undefined;

/** Built on first use rather than at import, so a bad config fails an invocation with a clear log line. */
function chatDependencies(): ChatDependencies {
  dependencies ??= createDependencies(loadChatConfig(process.env), logger);
  return dependencies;
}

export async function handler(event: unknown, context?: Context): Promise<WebSocketResult | void> {
  if (context) logger.addContext(context);
  let deps: ChatDependencies;
  try {
    deps = chatDependencies();
  } catch (error) {
    logger.error("chat function is misconfigured", { ...errorSummary(error), detail: (error as Error).message });
    throw error;
  }

  if (isWebSocketEvent(event)) {
    switch (event.requestContext.routeKey) {
      case "$connect":
        return handleConnect(event, deps);
      case "$disconnect":
        return handleDisconnect(event, deps);
      default:
        // `ask`, `ping` and `$default` all carry a client frame; the frame says what it is.
        return handleMessage(event, deps);
    }
  }

  if (isAnswerRequestLike(event)) {
    let request;
    try {
      request = parseAnswerRequest(event);
    } catch (error) {
      // Never thrown on: Lambda would retry a payload that can only fail again.
      logger.error("answer step refused", { ...errorSummary(error), detail: (error as Error).message });
      return;
    }
    await answer(request, deps);
    return;
  }

  logger.error("unrecognised event", { eventType: typeof event });
  return;
}
