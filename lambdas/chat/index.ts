/**
 * The chat function: WebSocket routes (`$connect`, `$disconnect`, `ask`, `$default`),
 * invoked asynchronously by itself, the answer step, and, as its own on-failure
 * destination, Lambda's records of answer steps that never ran (dropped-answer.ts). Thin: it picks the handler;
 * configuration and clients are built on the first invocation and kept (common/environment.ts).
 */
import type { Context } from "aws-lambda";
import { lazyStartup } from "../common/environment";
import { createLogger, errorSummary } from "../common/logger";
import { answer, isAnswerRequestLike, parseAnswerRequest } from "./answer";
import { loadChatConfig } from "./config";
import { createDependencies } from "./dependencies";
import { handleDroppedAnswer, isInvocationRecordLike } from "./dropped-answer";
import { handleConnect, handleDisconnect, handleMessage, isWebSocketEvent, type WebSocketResult } from "./routes";

const logger = createLogger("chat");
const chatDependencies = lazyStartup("chat function", logger, () => createDependencies(loadChatConfig(process.env), logger));

export async function handler(event: unknown, context?: Context): Promise<WebSocketResult | void> {
  if (context) logger.addContext(context);
  const deps = chatDependencies();

  if (isWebSocketEvent(event)) {
    switch (event.requestContext.routeKey) {
      case "$connect":
        return handleConnect(event, deps);
      case "$disconnect":
        return handleDisconnect(event, deps);
      default:
        // `ask` and `$default` (pings and unknown actions: there is no `ping` route) both carry
        // a client frame; the frame says what it is.
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

  if (isInvocationRecordLike(event)) {
    await handleDroppedAnswer(event, deps);
    return;
  }

  logger.error("unrecognised event", { eventType: typeof event });
  return;
}
