/**
 * Whether a parsed `ask` may be answered (invariants 5 and 6), as a pure decision over
 * the verified caller, the stored connection record and the clock. The messages are
 * client-safe: they say what is wrong without echoing another user's data.
 */
import { tokenExpired, type AuthorizerContext } from "../shared/authorizer-context";
import type { ConnectionRecord } from "../shared/connections";
import { answerIdOwner } from "../shared/identifiers";
import type { AskMessage, ErrorCode } from "../shared/protocol";

export type AskDecision = { ok: true } | { ok: false; code: ErrorCode; message: string };

export function decideAsk(args: {
  message: AskMessage;
  caller: AuthorizerContext;
  connectionId: string;
  record: ConnectionRecord | undefined;
  now: Date;
}): AskDecision {
  const { message, caller, record } = args;
  if (answerIdOwner(message.answerId) !== caller.userId) {
    return { ok: false, code: "forbidden", message: "answerId must start with your own user id" };
  }
  if (tokenExpired(caller, args.now)) {
    return { ok: false, code: "token_expired", message: "your sign-in has expired; reconnect with a fresh token" };
  }
  if (!record || record.connectionId !== args.connectionId) {
    return { ok: false, code: "forbidden", message: "this connection is not registered; reconnect" };
  }
  if (record.userId !== caller.userId || record.tenantId !== caller.tenantId) {
    return { ok: false, code: "forbidden", message: "this connection does not belong to you" };
  }
  return { ok: true };
}
