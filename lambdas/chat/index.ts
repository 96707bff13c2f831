/**
 * The chat function: WebSocket routes (`$connect`, `$disconnect`, `ask`, `$default`),
 * invoked asynchronously by itself, the answer step, and, as its own on-failure
 * destination, Lambda's records of answer steps that never ran (dropped-answer.ts). Thin:
 * it picks the handler and loads that route's code and clients the first time the route
 * runs (ES module chunks, see local/lambda/function-bundler.ts), so an environment opening
 * sockets never loads the Bedrock or Lambda clients, nor the zod schemas of client frames,
 * answer requests and invocation records. Configuration and clients are built on
 * first use and kept (common/startup.ts).
 */
import type { Context } from "aws-lambda";
import { lazyStartup } from "../common/startup";
import { createLogger, errorSummary } from "../common/logger";
import { loadChatConfig } from "./config";
import { type AnswerDependencies, createBaseDependencies, type MessageDependencies } from "./dependencies";
import { isAnswerRequestLike, isInvocationRecordLike } from "./event-kinds";
import { isWebSocketEvent, type WebSocketResult } from "./websocket-event";

const logger = createLogger("chat");
const baseDependencies = lazyStartup("chat function", logger, () => createBaseDependencies(loadChatConfig(process.env), logger));

/** Loaded once per environment, on first use; a failed load is retried by the next invocation. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

const messageDependencies = once(async (): Promise<MessageDependencies> => {
  const base = baseDependencies();
  const { createAskClients } = await import("./ask-clients");
  return { ...base, ...createAskClients(base.config) };
});

const answerDependencies = once(async (): Promise<AnswerDependencies> => {
  const base = baseDependencies();
  const { createAnswerClients } = await import("./answer-clients");
  return { ...base, ...createAnswerClients(base.config) };
});

export async function handler(event: unknown, context?: Context): Promise<WebSocketResult | void> {
  if (context) logger.addContext(context);
  const deps = baseDependencies();

  if (isWebSocketEvent(event)) {
    switch (event.requestContext.routeKey) {
      case "$connect":
        return (await import("./connect-routes")).handleConnect(event, deps);
      case "$disconnect":
        return (await import("./connect-routes")).handleDisconnect(event, deps);
      default: {
        // `ask` and `$default` (pings and unknown actions: there is no `ping` route) both carry
        // a client frame; the frame says what it is.
        const [{ handleMessage }, messageDeps] = await Promise.all([import("./routes"), messageDependencies()]);
        return handleMessage(event, messageDeps);
      }
    }
  }

  if (isAnswerRequestLike(event)) {
    const { parseAnswerRequest } = await import("./answer-request");
    let request;
    try {
      request = parseAnswerRequest(event);
    } catch (error) {
      // Never thrown on: Lambda would retry a payload that can only fail again.
      logger.error("answer step refused", { ...errorSummary(error), detail: (error as Error).message });
      return;
    }
    const [{ answer }, answerDeps] = await Promise.all([import("./answer"), answerDependencies()]);
    await answer(request, answerDeps);
    return;
  }

  if (isInvocationRecordLike(event)) {
    // A rare event (Lambda gave up on an answer step): its code and schema load only then.
    await (await import("./dropped-answer")).handleDroppedAnswer(event, deps);
    return;
  }

  logger.error("unrecognised event", { eventType: typeof event });
  return;
}
