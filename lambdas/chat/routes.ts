/**
 * The chat function's client frames: every frame (route `ask`, and `$default` for
 * everything else: `ping`, `stop`, `renew`) is parsed, authorized, acknowledged and handed
 * to the asynchronous answer step. `$connect` and `$disconnect` live in connect-routes.ts.
 */
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { type AuthorizerContext, parseAuthorizerContext, tokenExpired } from "../common/authorizer-context";
import { type ConnectionOwner, type ConnectionRecord, replyToSender, servedUntil } from "../common/connections";
import { answerIdOwner } from "../common/identifiers";
import { SESSION_ENDED_MESSAGE } from "../common/revocations";
import { errorSummary, type InvocationLogger, invocationLogger } from "../common/logger";
import { type AskMessage, parseClientMessage } from "../common/protocol";
import { accepted, type ErrorCode, errorEvent, pong, type ServerEvent } from "../common/server-events";
import { answerRequest } from "./answer-request";
import { handleRenew } from "./renew-route";
import { THROTTLED_MESSAGE } from "./ask-rate-limit";
import type { MessageDependencies } from "./dependencies";
import { handleHello } from "./hello-route";
import { handleStop } from "./stop-route";
import { frameText, type PostNow, type Reply, type WebSocketEvent, type WebSocketResult } from "./websocket-event";

// Their own modules now (the entry loads each route's code on first use); still reachable here.
export { connectResponseHeaders, handleConnect, handleDisconnect } from "./connect-routes";
export { frameText, isWebSocketEvent, type PostNow, type Reply, type WebSocketEvent, type WebSocketResult } from "./websocket-event";

export { SESSION_ENDED_MESSAGE };

export type AskDecision = { ok: true } | { ok: false; code: ErrorCode; message: string };

const FOREIGN_ANSWER_ID = "answerId must start with your own user id";

/** Pure: the frame's answerId is the caller's own (I5), the one check that needs no read. */
function answerIdIsCallers(message: AskMessage, caller: AuthorizerContext): boolean {
  return answerIdOwner(message.answerId) === caller.userId;
}

/**
 * Whether a parsed `ask` may be answered (I5 and I6), as a pure decision over
 * the verified caller, the connection's owner (its stored record, or the owner this
 * environment remembers when the record was not read) and the clock. The messages are
 * client-safe: they say what is wrong without echoing another user's data.
 */
export function decideAsk(args: {
  message: AskMessage;
  caller: AuthorizerContext;
  connectionId: string;
  record: ConnectionRecord | undefined;
  /** The owner this environment remembers (KnownOwners), when the record was not read. */
  knownOwner?: ConnectionOwner;
  now: Date;
  /** The caller's token predates their offboarding (I17). */
  revoked?: boolean;
}): AskDecision {
  const { message, caller, record } = args;
  if (!answerIdIsCallers(message, caller)) return { ok: false, code: "forbidden", message: FOREIGN_ANSWER_ID };
  if (args.revoked) {
    return { ok: false, code: "session_ended", message: SESSION_ENDED_MESSAGE };
  }
  // The connection's token, or the later one a `renew` frame proved (renew-route.ts, I2).
  if (tokenExpired({ tokenExpiresAt: servedUntil(caller, record) }, args.now)) {
    return { ok: false, code: "token_expired", message: "your sign-in has expired; reconnect with a fresh token" };
  }
  const owner = record?.connectionId === args.connectionId ? record : args.knownOwner;
  if (!owner) {
    return { ok: false, code: "forbidden", message: "this connection is not registered; reconnect" };
  }
  if (owner.userId !== caller.userId || owner.tenantId !== caller.tenantId) {
    return { ok: false, code: "forbidden", message: "this connection does not belong to you" };
  }
  return { ok: true };
}

/**
 * Every client frame (route `ask`, and `$default` for everything else, `ping`, `stop` and
 * `renew` included: they have no route of their own): parse, authorize, acknowledge, and hand the question to the
 * asynchronous answer step. Every frame gets an answer or an `error` event (I9), and the
 * result is always 200 so the connection stays usable.
 *
 * The frame's one reply is the result's `body`: both routes are two-way (a route response,
 * infra/route-keys.ts), so API Gateway sends the body back to the connection that sent the
 * frame once this returns, and the reply costs no PostToConnection (no signed call, no
 * round trip; docs/performance.md §Calls per answer). API Gateway sends a frame on a two-way
 * route even when the result has no body (an empty one), so every result here carries the
 * reply, except after a reply that had to be posted at once (`postNow`: a renewal refused
 * with a hang-up, whose error must reach the client before the connection is closed).
 */
const OK: WebSocketResult = { statusCode: 200 };

export async function handleMessage(event: WebSocketEvent, deps: MessageDependencies): Promise<WebSocketResult> {
  const { connectionId } = event.requestContext;
  const log = invocationLogger(deps.logger, { route: event.requestContext.routeKey });
  let replyEvent: ServerEvent | undefined;
  // From the verified caller on, every reply is counted for their tenant (asks, errors by code).
  let tenantId: string | undefined;
  const reply: Reply = (serverEvent) => {
    replyEvent = serverEvent;
  };
  const postNow: PostNow = async (serverEvent) => {
    try {
      return await replyToSender(deps, connectionId, serverEvent);
    } finally {
      if (tenantId !== undefined) deps.metrics.replySent(tenantId, serverEvent);
    }
  };

  const parsed = parseClientMessage(frameText(event));
  const answerId = parsed.ok ? ("answerId" in parsed.message ? parsed.message.answerId : undefined) : parsed.answerId;
  try {
    const caller = parseAuthorizerContext(event.requestContext.authorizer);
    if (!caller) {
      log.warn("message refused: missing or malformed authorizer context");
      reply(errorEvent("forbidden", "this connection is not authorized", answerId));
    } else {
      log.appendKeys({ tenantId: caller.tenantId, userId: caller.userId, ...(answerId ? { answerId } : {}) });
      tenantId = caller.tenantId;
      await handleFrame(parsed, caller, connectionId, deps, log, reply, postNow);
    }
  } catch (error) {
    log.error("message failed", errorSummary(error));
    reply(errorEvent("internal", "something went wrong; please try again", answerId));
  }
  if (replyEvent === undefined) return OK;
  if (tenantId !== undefined) deps.metrics.replySent(tenantId, replyEvent);
  return { statusCode: 200, body: JSON.stringify(replyEvent) };
}

/** One parsed frame of a verified caller: the route handler its action names. */
async function handleFrame(
  parsed: ReturnType<typeof parseClientMessage>,
  caller: AuthorizerContext,
  connectionId: string,
  deps: MessageDependencies,
  log: InvocationLogger,
  reply: Reply,
  postNow: PostNow,
): Promise<void> {
  if (!parsed.ok) {
    log.info("bad request", { reason: parsed.message });
    reply(errorEvent("bad_request", parsed.message, parsed.answerId));
    return;
  }
  switch (parsed.message.action) {
    case "ping":
      reply(pong());
      return;
    case "hello":
      return handleHello(caller, deps, log, reply);
    case "stop":
      return handleStop(parsed.message, caller, connectionId, deps, log, reply);
    case "renew":
      return handleRenew(parsed.message, caller, connectionId, deps, log, reply, postNow);
    default:
      return handleAsk(parsed.message, caller, connectionId, deps, log, reply);
  }
}

/**
 * An ask, with as few round trips as possible before the hand-off (the user waits on every
 * one; docs/performance.md §Own time): the answerId check (no read), then the owner check,
 * the offboarding check (the latest revocation, and the user's record only when that is
 * newer than the token; each cached ≤ 1 s, I17) and the caller's allowance (I11) at once, then
 * the hand-off, and `accepted` as the route response. The allowance is spent while the
 * checks run and given back when they refuse, so a refused ask still costs none.
 *
 * The owner check reads the connection's record unless this environment already knows its
 * owner (KnownOwners: an owner cannot change while the connection lives, I6 and
 * docs/threat-model.md T19) and the caller's own token still serves; once that token has
 * expired, the record is read for the later expiry a renewal may have written (I2).
 */
async function handleAsk(
  message: AskMessage,
  caller: AuthorizerContext,
  connectionId: string,
  deps: MessageDependencies,
  log: InvocationLogger,
  reply: Reply,
): Promise<void> {
  if (!answerIdIsCallers(message, caller)) {
    log.warn("ask refused", { code: "forbidden" });
    reply(errorEvent("forbidden", FOREIGN_ANSWER_ID, message.answerId));
    return;
  }
  const now = deps.now();
  // The key is the verified sub, so no one can spend another's allowance.
  const spending = deps.askLimiter.tryConsume(caller.userId, now).then(
    (withinLimit) => ({ withinLimit }),
    (error: unknown) => ({ error }),
  );
  const giveBack = async () => {
    const spent = await spending;
    if (!("withinLimit" in spent) || !spent.withinLimit) return;
    await deps.askLimiter.giveBack(caller.userId, now).catch((error: unknown) => log.warn("ask not given back", errorSummary(error)));
  };
  let decision: AskDecision;
  let record: ConnectionRecord | undefined;
  const knownOwner = tokenExpired(caller, now) ? undefined : deps.knownOwners?.get(connectionId);
  try {
    let revoked: boolean;
    [record, revoked] = await Promise.all([
      knownOwner ? undefined : deps.connections.get(connectionId),
      deps.revocations.revoked(caller.userId, caller.tokenIssuedAt),
    ]);
    decision = decideAsk({ message, caller, connectionId, record, knownOwner, now, revoked });
  } catch (error) {
    await giveBack();
    throw error;
  }
  if (!decision.ok) {
    log.warn("ask refused", { code: decision.code });
    reply(errorEvent(decision.code, decision.message, message.answerId));
    await giveBack();
    return;
  }
  // decideAsk found this record naming the caller: the owner, for the connection's life (I6).
  if (record) deps.knownOwners?.remember(record);
  const spent = await spending;
  if ("error" in spent) {
    // Fail closed: the limit exists to cap cost and concurrency, and a limit that opens
    // whenever its table errs (throttled, unavailable) gives way exactly under load. The
    // SDK has already retried transient errors; the user gets a clear, retryable error.
    log.error("ask limit check failed", errorSummary(spent.error));
    reply(errorEvent("internal", "the question could not be checked; please try again", message.answerId));
    return;
  }
  if (!spent.withinLimit) {
    log.warn("ask refused", { code: "throttled", limitPerMinute: deps.config.asksPerUserPerMinute });
    reply(errorEvent("throttled", THROTTLED_MESSAGE, message.answerId));
    return;
  }
  try {
    await handOffToAnswerStep(message, caller, connectionId, deps);
  } catch (error) {
    log.error("hand-off to the answer step failed", errorSummary(error));
    reply(errorEvent("internal", "the question could not be queued; please try again", message.answerId));
    return;
  }
  // The route response, sent once this returns: the answer step may already be posting the
  // answer's first events, and the page takes them in any order around `accepted`
  // (web/js/answers.js). A connection that closed meanwhile is found gone by the answer
  // step's first send, which then stops.
  reply(accepted(message.answerId));
  // Prompt text is user content: its length is enough to debug with.
  log.info("ask accepted", { promptLength: message.prompt.length, conversationId: message.conversationId });
}

/** The asynchronous invoke of this function's answer step (`Event`: Lambda queues it and answers 202). */
async function handOffToAnswerStep(message: AskMessage, caller: AuthorizerContext, connectionId: string, deps: MessageDependencies): Promise<void> {
  const response = await deps.lambda.send(
    new InvokeCommand({
      FunctionName: deps.config.functionName,
      InvocationType: "Event",
      Payload: Buffer.from(JSON.stringify(answerRequest(message, caller, connectionId)), "utf8"),
    }),
  );
  const status = response.StatusCode ?? 202;
  if (status < 200 || status >= 300) throw new Error(`asynchronous invoke returned status ${status}`);
}
