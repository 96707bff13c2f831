/**
 * The `stop` frame (it arrives on `$default`, like `ping`): the caller asks to stop one of
 * their own answers. Refused as `forbidden` unless the answerId starts with the caller's
 * verified sub (I5, I16), as `token_expired` once the connection's token has expired;
 * otherwise the stop is recorded for the answer step (stop-requests.ts) and acknowledged
 * with `stopping`. Every stop frame gets exactly one reply (I9); the answer itself then
 * ends with `done` (`stopped: true` when the answer step saw the request in time).
 */
import { type AuthorizerContext, tokenExpired } from "../common/authorizer-context";
import type { PostOutcome } from "../common/connections";
import { answerIdOwner } from "../common/identifiers";
import { errorSummary } from "../common/logger";
import { type ErrorCode, errorEvent, type ServerEvent, stopping, type StopMessage } from "../common/protocol";
import type { ChatDependencies } from "./dependencies";

export type StopDecision = { ok: true } | { ok: false; code: ErrorCode; message: string };

/** Pure: whether `caller` may stop `message.answerId`. */
export function decideStop(message: StopMessage, caller: AuthorizerContext, now: Date): StopDecision {
  if (answerIdOwner(message.answerId) !== caller.userId) {
    return { ok: false, code: "forbidden", message: "answerId must start with your own user id" };
  }
  if (tokenExpired(caller, now)) {
    return { ok: false, code: "token_expired", message: "your sign-in has expired; reconnect with a fresh token" };
  }
  return { ok: true };
}

export async function handleStop(
  message: StopMessage,
  caller: AuthorizerContext,
  deps: ChatDependencies,
  log: ChatDependencies["logger"],
  reply: (event: ServerEvent) => Promise<PostOutcome>,
): Promise<void> {
  const decision = decideStop(message, caller, deps.now());
  if (!decision.ok) {
    log.warn("stop refused", { code: decision.code });
    await reply(errorEvent(decision.code, decision.message, message.answerId));
    return;
  }
  try {
    await deps.stopRequests.request(message.answerId, deps.now());
  } catch (error) {
    log.error("stop could not be recorded", errorSummary(error));
    await reply(errorEvent("internal", "the answer could not be stopped; please try again", message.answerId));
    return;
  }
  log.info("stop requested");
  await reply(stopping(message.answerId));
}
