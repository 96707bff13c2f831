/**
 * Every client frame (route `ask`, and `$default` for everything else, `ping` included:
 * there is no `ping` route): parse, authorize, acknowledge, and hand the question to the
 * asynchronous answer step. Every frame gets an answer or an
 * `error` event (invariant 9), and the result is always 200 so the connection stays usable.
 */
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { parseAuthorizerContext, type AuthorizerContext } from "../shared/authorizer-context";
import { errorSummary } from "../shared/logger";
import { replyToSender, type PostOutcome } from "../shared/connections";
import { accepted, errorEvent, parseClientMessage, pong, type AskMessage, type ServerEvent } from "../shared/protocol";
import { answerRequest } from "./answer-request";
import { decideAsk } from "./ask-policy";
import { THROTTLED_MESSAGE } from "./ask-rate-limit";
import type { ChatDependencies } from "./dependencies";
import { frameText, type WebSocketEvent, type WebSocketResult } from "./websocket-event";

const OK: WebSocketResult = { statusCode: 200 };

export async function handleMessage(event: WebSocketEvent, deps: ChatDependencies): Promise<WebSocketResult> {
  const { connectionId } = event.requestContext;
  const log = deps.logger.createChild();
  log.appendKeys({ route: event.requestContext.routeKey });
  const reply = (serverEvent: ServerEvent) => replyToSender(deps, connectionId, serverEvent);

  const parsed = parseClientMessage(frameText(event));
  const answerId = parsed.ok ? (parsed.message.action === "ask" ? parsed.message.answerId : undefined) : parsed.answerId;
  try {
    const caller = parseAuthorizerContext(event.requestContext.authorizer);
    if (!caller) {
      log.warn("message refused: missing or malformed authorizer context");
      await reply(errorEvent("forbidden", "this connection is not authorized", answerId));
      return OK;
    }
    log.appendKeys({ tenantId: caller.tenantId, userId: caller.userId, ...(answerId ? { answerId } : {}) });
    if (!parsed.ok) {
      log.info("bad request", { reason: parsed.message });
      await reply(errorEvent("bad_request", parsed.message, answerId));
      return OK;
    }
    if (parsed.message.action === "ping") {
      await reply(pong());
      return OK;
    }
    await handleAsk(parsed.message, caller, connectionId, deps, log, reply);
    return OK;
  } catch (error) {
    log.error("message failed", errorSummary(error));
    try {
      await reply(errorEvent("internal", "something went wrong; please try again", answerId));
      return OK;
    } catch (replyError) {
      log.error("could not report the failure to the client", errorSummary(replyError));
      return { statusCode: 500 };
    }
  }
}

async function handleAsk(
  message: AskMessage,
  caller: AuthorizerContext,
  connectionId: string,
  deps: ChatDependencies,
  log: ChatDependencies["logger"],
  reply: (event: ServerEvent) => Promise<PostOutcome>,
): Promise<void> {
  const record = await deps.connections.get(connectionId);
  const decision = decideAsk({ message, caller, connectionId, record, now: deps.now() });
  if (!decision.ok) {
    log.warn("ask refused", { code: decision.code });
    await reply(errorEvent(decision.code, decision.message, message.answerId));
    return;
  }
  // Counted only once the ask is known to be this caller's own (decideAsk), so refused
  // frames cost no allowance; the key is the verified sub, so no one can spend another's.
  let withinLimit: boolean;
  try {
    withinLimit = await deps.askLimiter.tryConsume(caller.userId, deps.now());
  } catch (error) {
    // Fail closed: the limit exists to cap cost and concurrency, and a limit that opens
    // whenever its table errs (throttled, unavailable) gives way exactly under load. The
    // SDK has already retried transient errors; the user gets a clear, retryable error.
    log.error("ask limit check failed", errorSummary(error));
    await reply(errorEvent("internal", "the question could not be checked; please try again", message.answerId));
    return;
  }
  if (!withinLimit) {
    log.warn("ask refused", { code: "throttled", limitPerMinute: deps.config.asksPerUserPerMinute });
    await reply(errorEvent("throttled", THROTTLED_MESSAGE, message.answerId));
    return;
  }
  // Prompt text is user content: its length is enough to debug with.
  log.info("ask accepted", { promptLength: message.prompt.length, conversationId: message.conversationId });
  if ((await reply(accepted(message.answerId))) === "gone") {
    log.info("connection gone before the hand-off");
    return;
  }
  try {
    const response = await deps.lambda.send(
      new InvokeCommand({
        FunctionName: deps.config.functionName,
        InvocationType: "Event",
        Payload: Buffer.from(JSON.stringify(answerRequest(message, caller, connectionId)), "utf8"),
      }),
    );
    const status = response.StatusCode ?? 202;
    if (status < 200 || status >= 300) throw new Error(`asynchronous invoke returned status ${status}`);
  } catch (error) {
    log.error("hand-off to the answer step failed", errorSummary(error));
    await reply(errorEvent("internal", "the question could not be queued; please try again", message.answerId));
  }
}
