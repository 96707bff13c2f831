/**
 * The `stop` frame (it arrives on `$default`, like `ping`): the caller asks to stop one of
 * their own answers. Refused as `forbidden` unless the answerId starts with the caller's
 * verified sub (I5, I16), as `token_expired` once the connection's token (or the later one
 * a `renew` frame proved) has expired;
 * otherwise the stop is recorded for the answer step (stop-requests.ts) and acknowledged
 * with `stopping`. Every stop frame gets exactly one reply (I9); the answer itself then
 * ends with `done` (`stopped: true` when the answer step saw the request in time).
 */
import { type AuthorizerContext, tokenExpired } from "../common/authorizer-context";
import { servedUntil } from "../common/connections";
import { answerIdOwner } from "../common/identifiers";
import { errorSummary, type InvocationLogger } from "../common/logger";
import type { StopMessage } from "../common/protocol";
import { type ErrorCode, errorEvent, stopping } from "../common/server-events";
import type { MessageDependencies } from "./dependencies";
import type { Reply } from "./websocket-event";

export type StopDecision = { ok: true } | { ok: false; code: ErrorCode; message: string };

/**
 * Pure: whether `caller` may stop `message.answerId`. `servedUntil` (epoch seconds) is the
 * connection's expiry: its token's, or a later one a `renew` frame proved (renew-route.ts).
 */
export function decideStop(message: StopMessage, caller: AuthorizerContext, now: Date, servedUntil = caller.tokenExpiresAt): StopDecision {
  if (answerIdOwner(message.answerId) !== caller.userId) {
    return { ok: false, code: "forbidden", message: "answerId must start with your own user id" };
  }
  if (tokenExpired({ tokenExpiresAt: servedUntil }, now)) {
    return { ok: false, code: "token_expired", message: "your sign-in has expired; reconnect with a fresh token" };
  }
  return { ok: true };
}

export async function handleStop(
  message: StopMessage,
  caller: AuthorizerContext,
  connectionId: string,
  deps: MessageDependencies,
  log: InvocationLogger,
  reply: Reply,
): Promise<void> {
  let decision = decideStop(message, caller, deps.now());
  if (!decision.ok && decision.code === "token_expired") {
    // A renewal may have moved the expiry forward: one read, only once the first token expired.
    decision = decideStop(message, caller, deps.now(), servedUntil(caller, await deps.connections.get(connectionId)));
  }
  if (!decision.ok) {
    log.warn("stop refused", { code: decision.code });
    reply(errorEvent(decision.code, decision.message, message.answerId));
    return;
  }
  try {
    await deps.stopRequests.request(message.answerId, deps.now());
  } catch (error) {
    log.error("stop could not be recorded", errorSummary(error));
    reply(errorEvent("internal", "the answer could not be stopped; please try again", message.answerId));
    return;
  }
  log.info("stop requested");
  reply(stopping(message.answerId));
}
