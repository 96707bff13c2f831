/**
 * Answers Lambda gave up on. The `ask` route hands each question to the answer step with an
 * asynchronous Invoke; the function's event invoke config (infra/function-settings.ts)
 * drops an event that waited longer than about two minutes in Lambda's queue (throttling)
 * and never retries one that failed (a timeout, a crash). Either way Lambda sends an
 * invocation record to the on-failure destination, which is this same function: the
 * question then ends for the asker with one `error` `answer_dropped` (I9) instead of
 * silence, or an answer arriving hours late. The record carries the original request;
 * the event goes out only after the connection's stored owner is checked (I6), and the
 * drop is logged and counted (the tenant's `Errors` metric with code `answer_dropped`,
 * answer-metrics.ts), whether or not the asker could still be told.
 *
 * The destination is the chat function itself because its role already may invoke it
 * (AsyncAnswerStep) and already reads connections and posts to them: a function of its
 * own would need a role with the same grants plus a new invoke grant for the chat role.
 */
import * as z from "zod/mini";
import { AnswerChannel } from "../common/connections";
import { errorSummary, invocationLogger } from "../common/logger";
import { errorEvent } from "../common/server-events";
import { parseAnswerRequest } from "./answer-request";
import type { BaseDependencies } from "./dependencies";

export const ANSWER_DROPPED_MESSAGE = "the assistant could not start on this question in time; please ask again";

/** Lambda's asynchronous invocation record (the on-failure destination's event); only what we read. */
const InvocationRecord = z.object({
  version: z.string(),
  requestContext: z.object({
    condition: z.string(),
    approximateInvokeCount: z.optional(z.number()),
  }),
  requestPayload: z.unknown(),
});
export type InvocationRecord = z.infer<typeof InvocationRecord>;

export type DroppedOutcome = "told" | "gone" | "not_owner" | "ignored" | "error";

/** Never throws: Lambda would send a failed destination invocation to the destination again. */
export async function handleDroppedAnswer(event: unknown, deps: BaseDependencies): Promise<DroppedOutcome> {
  const log = invocationLogger(deps.logger);
  const parsed = InvocationRecord.safeParse(event);
  if (!parsed.success) {
    log.error("invocation record refused: not Lambda's shape");
    return "ignored";
  }
  const { condition, approximateInvokeCount } = parsed.data.requestContext;
  let request;
  try {
    request = parseAnswerRequest(parsed.data.requestPayload);
  } catch (error) {
    // A record of a dropped record, or of a payload the answer step refused: nobody to tell.
    log.error("invocation record ignored: its request is not an answer request", { condition, ...errorSummary(error) });
    return "ignored";
  }
  log.appendKeys({ tenantId: request.tenantId, userId: request.userId, answerId: request.answerId });
  // The prompt stays out of the log (I8): the ids say which question it was.
  log.warn("answer dropped", { condition, approximateInvokeCount });
  deps.metrics.errorSent(request.tenantId, "answer_dropped");
  try {
    const channel = await AnswerChannel.open(deps, request);
    if (channel === "gone" || channel === "not_owner") {
      if (channel === "not_owner") log.warn("answer_dropped not sent: the connection belongs to another user");
      return channel;
    }
    const sent = await channel.send(errorEvent("answer_dropped", ANSWER_DROPPED_MESSAGE, request.answerId));
    return sent === "sent" ? "told" : sent;
  } catch (error) {
    log.error("could not tell the asker their answer was dropped", errorSummary(error));
    return "error";
  }
}
