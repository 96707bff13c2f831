/**
 * The asynchronous answer step: mint tenant-scoped credentials, ask the Bedrock agent
 * with them in sessionAttributes, and stream its answer to the asker's connection.
 * Nothing is sent before the connection is confirmed to belong to the asker
 * (I6, checked once per answer), the text goes out coalesced (chunk-coalescer.ts), its
 * last part in `done` itself, and every question ends with `done` or an `error` event (I9).
 * Never throws: Lambda would retry a failed asynchronous invoke and answer twice.
 *
 * Beside it: the retry backoff for agent throttling, and the classification of a failed
 * answer into the error the client sees (the payload from the `ask` route is in
 * answer-request.ts).
 */
import { BedrockAgentRuntimeServiceException, InvokeAgentCommand } from "@aws-sdk/client-bedrock-agent-runtime";
import { AnswerChannel } from "../common/connections";
import { agentSessionId } from "../common/identifiers";
import { errorSummary, type InvocationLogger, invocationLogger } from "../common/logger";
import { chunk, citations, done, doneStopped, type ErrorCode, errorEvent } from "../common/server-events";
import type { ScopedCredentials } from "../common/scoped-credentials";
import type { SessionAttributes } from "../common/session-attributes";
import { AnswerTally, type EventSink } from "./answer-tally";
import { budgetExhaustedMessage } from "./budgets";
import { ChunkCoalescer, COALESCE_INTERVAL_MS, COALESCE_MAX_CHARS } from "./chunk-coalescer";
import type { AnswerRequest } from "./answer-request";
import type { AnswerDependencies } from "./dependencies";
import { citedDocuments, knowledgeBaseConfigurations, MAX_CITED_DOCUMENTS } from "./knowledge-filter";
import { type StopWatch, watchForStop } from "./stop-requests";
import type { Reservation } from "./usage-meter";

// The payload from the ask route: its own module, which the ask route loads without this one.
export { AnswerRequest, answerRequest, AnswerRequestError, parseAnswerRequest } from "./answer-request";

/**
 * Backoff for agent throttling: exponential with "equal jitter" (half fixed, half
 * random), so concurrent answers throttled together do not retry in lockstep, yet no
 * retry comes instantly. Pure.
 */
export const MAX_AGENT_ATTEMPTS = 3;
export const BACKOFF_BASE_MS = 400;
export const BACKOFF_CAP_MS = 4000;

/** Delay before retry number `retry` (1 = the first retry); `random` in [0, 1). */
export function backoffDelayMs(retry: number, random: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  const jitter = Math.min(Math.max(random, 0), 1);
  return Math.round(ceiling / 2 + (jitter * ceiling) / 2);
}

/**
 * Which error event a failed answer ends with. Pure: the client learns the category
 * (retry later, the assistant failed, or we failed), never the underlying message.
 */
export type AnswerFailureCode = Extract<ErrorCode, "throttled" | "agent_error" | "internal">;

/** Raised when the agent answers without a completion stream. */
export class AgentResponseError extends Error {
  override readonly name = "AgentResponseError";
  readonly code = "agent_response";
}

/** Exceptions Bedrock agent runtime models; matched by name too, as event-stream errors may not share our class identity. */
const AGENT_ERROR_NAMES = new Set([
  "AccessDeniedException",
  "BadGatewayException",
  "ConflictException",
  "DependencyFailedException",
  "InternalServerException",
  "ModelNotReadyException",
  "ResourceNotFoundException",
  "ServiceQuotaExceededException",
  "ValidationException",
]);

export function isThrottling(error: unknown): boolean {
  return error instanceof Error && (error.name === "ThrottlingException" || error.name === "throttlingException");
}

export function classifyAnswerFailure(error: unknown): AnswerFailureCode {
  if (isThrottling(error)) return "throttled";
  if (error instanceof AgentResponseError) return "agent_error";
  if (error instanceof BedrockAgentRuntimeServiceException) return "agent_error";
  if (error instanceof Error && AGENT_ERROR_NAMES.has(error.name)) return "agent_error";
  return "internal";
}

export const FAILURE_MESSAGES: Readonly<Record<AnswerFailureCode, string>> = {
  throttled: "the assistant is busy right now; please try again in a moment",
  agent_error: "the assistant could not answer this question",
  internal: "something went wrong while answering; please try again",
};

export type AnswerOutcome = "done" | "stopped" | "error" | "gone" | "not_owner" | "budget_exhausted";


export function sessionAttributes(request: AnswerRequest, credentials: ScopedCredentials): SessionAttributes {
  return {
    tenantId: request.tenantId,
    userId: request.userId,
    answerId: request.answerId,
    connectionId: request.connectionId,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    credentialsExpiration: credentials.expiration.toISOString(),
  };
}

export async function answer(request: AnswerRequest, deps: AnswerDependencies): Promise<AnswerOutcome> {
  const log = invocationLogger(deps.logger, { tenantId: request.tenantId, userId: request.userId, answerId: request.answerId });
  const started = deps.now().getTime();

  let channel: AnswerChannel;
  try {
    // The owner check of this answer (I6), before credentials are minted or the agent is
    // asked; AnswerChannel explains why once per answer is enough.
    const opened = await AnswerChannel.open(deps, request);
    if (opened === "gone") {
      log.info("answer dropped: the connection is gone");
      return "gone";
    }
    if (opened === "not_owner") {
      log.warn("answer refused: the connection belongs to another user");
      return "not_owner";
    }
    channel = opened;
  } catch (error) {
    // Without a verified connection there is nobody we may tell.
    log.error("answer failed before the connection was verified", errorSummary(error));
    return "error";
  }

  // I21: the tenant's budgets, checked and reserved before the model is called.
  const startedAt = new Date(started);
  const reservation = await reserveBudget(request, channel, deps, log, startedAt);
  if (typeof reservation === "string") return reservation;

  // I22: counted by this code as the answer goes out, recorded however it ends.
  const tally = new AnswerTally();
  const sink = tally.metered(channel);
  let recorded = "internal";
  // The asker may stop the answer from another invocation (I16): polled, never per chunk.
  const stopWatch = watchForStop(deps.stopRequests, request.answerId, {
    onError: (error) => log.warn("stop check failed", errorSummary(error)),
  });
  try {
    const outcome = await answerWithAgent(request, sink, tally, deps, log, stopWatch, started);
    recorded = outcome;
    return outcome;
  } catch (error) {
    const code = classifyAnswerFailure(error);
    recorded = code;
    log.error("answer failed", { code, ...errorSummary(error) });
    deps.metrics.errorSent(request.tenantId, code);
    try {
      const sent = await sink.send(errorEvent(code, FAILURE_MESSAGES[code], request.answerId));
      if (sent !== "sent") return sent;
    } catch (sendError) {
      log.error("could not report the failure to the client", errorSummary(sendError));
    }
    return "error";
  } finally {
    stopWatch.dispose();
    deps.metrics.answerEnded(request.tenantId, {
      latencyMs: deps.now().getTime() - started,
      inputTokens: tally.inputTokens,
      outputTokens: tally.outputTokens,
    });
    try {
      await deps.usage.settle(tally.usage(request, startedAt, deps.now(), recorded), reservation);
    } catch (error) {
      // The answer is out; its reservation stays held until its day or month ends.
      log.error("usage not recorded", errorSummary(error));
    }
  }
}

/**
 * The reservation on the tenant's budgeted counters (I21), or the outcome when the answer
 * must not start: refused (`budget_exhausted`, naming the limit and its reset) or, when the
 * usage table cannot be reached, `internal` (budgets fail closed).
 */
async function reserveBudget(
  request: AnswerRequest,
  channel: AnswerChannel,
  deps: AnswerDependencies,
  log: InvocationLogger,
  startedAt: Date,
): Promise<Reservation | "budget_exhausted" | "error" | "gone"> {
  let event;
  try {
    const reserved = await deps.usage.reserve(request.tenantId, request.userId, startedAt);
    if (reserved.ok) return reserved.reservation;
    log.info("answer refused: budget exhausted", { budget: reserved.exhausted.counter, limit: reserved.exhausted.limit });
    deps.metrics.errorSent(request.tenantId, "budget_exhausted");
    event = errorEvent("budget_exhausted", budgetExhaustedMessage(reserved.exhausted, startedAt), request.answerId);
  } catch (error) {
    log.error("budget check failed", errorSummary(error));
    event = errorEvent("internal", FAILURE_MESSAGES.internal, request.answerId);
  }
  try {
    const sent = await channel.send(event);
    if (sent !== "sent") return sent;
  } catch (sendError) {
    log.error("could not report the failure to the client", errorSummary(sendError));
  }
  return event.type === "error" && event.code === "budget_exhausted" ? "budget_exhausted" : "error";
}

/** The answer after its budget is reserved: credentials, the agent's stream, the final event. */
async function answerWithAgent(
  request: AnswerRequest,
  sink: EventSink,
  tally: AnswerTally,
  deps: AnswerDependencies,
  log: InvocationLogger,
  stopWatch: StopWatch,
  started: number,
): Promise<AnswerOutcome> {
  const credentials = await deps.credentials.get(request.tenantId, request.userId);
  const streamed = await streamAgentAnswer(request, credentials, sink, tally, deps, log, stopWatch);
  if (streamed.stopped !== undefined) {
    log.info("answer stopped", { reason: streamed.stopped, chunks: streamed.chunks });
    return streamed.stopped;
  }
  if (streamed.userStopped) {
    const final = await sink.send(doneStopped(request.answerId, streamed.rest));
    if (final !== "sent") return final;
    log.info("answer stopped by the asker", { chunks: streamed.chunks, durationMs: deps.now().getTime() - started });
    return "stopped";
  }
  // The cited names, then `done` with the answer's last text: every answer ends the same
  // way, and an answer with sources that came whole in one chunk costs two messages, not three.
  if (streamed.documents !== undefined && streamed.documents.length > 0) {
    const cited = await sink.send(citations(request.answerId, streamed.documents));
    if (cited !== "sent") return cited;
  }
  const final = await sink.send(done(request.answerId, streamed.rest));
  if (final !== "sent") return final;
  log.info("answer done", {
    chunks: streamed.chunks,
    messages: streamed.messages,
    attempts: streamed.attempts,
    durationMs: deps.now().getTime() - started,
    inputTokens: tally.inputTokens,
    outputTokens: tally.outputTokens,
    toolCalls: tally.toolCalls,
  });
  return "done";
}

interface StreamResult {
  /** Pieces of text the agent streamed. */
  chunks: number;
  /** Chunk events posted (coalesced). */
  messages: number;
  /** The answer's last text, not yet sent: `done` carries it. */
  rest?: string;
  /** The caller's knowledge documents the agent cited (I18); set when the stream ended normally. */
  documents?: string[];
  attempts: number;
  /** Set when the connection closed mid-answer: stop quietly. */
  stopped?: "gone";
  /** The asker sent `stop`: the agent stream was closed; end with `done` `stopped`. */
  userStopped?: true;
}

async function streamAgentAnswer(
  request: AnswerRequest,
  credentials: ScopedCredentials,
  channel: EventSink,
  tally: AnswerTally,
  deps: AnswerDependencies,
  log: InvocationLogger,
  stopWatch: StopWatch,
): Promise<StreamResult> {
  let chunks = 0;
  const documents: string[] = [];
  for (let attempt = 1; ; attempt += 1) {
    if (stopWatch.stopped()) return { chunks, messages: 0, attempts: attempt - 1, userStopped: true };
    const coalescer = new ChunkCoalescer({
      post: (text) => channel.send(chunk(request.answerId, text)),
      maxChars: COALESCE_MAX_CHARS,
      intervalMs: COALESCE_INTERVAL_MS,
      now: () => deps.now().getTime(),
    });
    const result = (end: Pick<StreamResult, "stopped" | "userStopped" | "rest"> = {}): StreamResult => ({
      chunks,
      messages: coalescer.messages,
      attempts: attempt,
      ...end,
    });
    // On a stop, what arrived before it still goes out: its unsent part in `done` `stopped`.
    const stoppedByUser = async () => {
      // A failed earlier send: the text after it is dropped, `done` `stopped` still ends the answer.
      const finished = await coalescer.finish().catch(() => undefined);
      return result({ userStopped: true, rest: finished?.rest });
    };
    // Events the agent's stream delivered in this attempt, trace included: once it has sent
    // any, its turn has begun (a tool may have run), so a retry could run it twice (T48).
    let events = 0;
    try {
      const response = await deps.agent.send(
        new InvokeAgentCommand({
          agentId: deps.config.agentId,
          agentAliasId: deps.config.agentAliasId,
          sessionId: agentSessionId(request.userId, request.conversationId),
          inputText: request.prompt,
          sessionState: {
            sessionAttributes: { ...sessionAttributes(request, credentials) },
            // I18: the one retrieval filter, from the verified tenant; nothing else sets it.
            knowledgeBaseConfigurations: knowledgeBaseConfigurations(deps.config.knowledgeBaseId, request.tenantId),
          },
          streamingConfigurations: { streamFinalResponse: true },
          // For the usage numbers only (I22): trace-usage.ts takes them, nothing else is kept.
          enableTrace: true,
        }),
        // Aborting the request closes the agent's stream, even while it is silent (tool calls).
        { abortSignal: stopWatch.signal },
      );
      if (!response.completion) throw new AgentResponseError("the agent returned no completion stream");
      // Written while the agent works, not on the way to it (a log line is a write to the
      // runtime's log pipe; docs/performance.md §Own time).
      if (attempt === 1) log.info("answer started", { promptLength: request.prompt.length });
      // Streaming decode: a multi-byte character may be split across two chunks.
      const decoder = new TextDecoder("utf-8");
      for await (const event of response.completion) {
        events += 1;
        if (stopWatch.stopped()) return await stoppedByUser();
        if (event.trace !== undefined) {
          tally.addTrace(event.trace);
          continue;
        }
        for (const name of citedDocuments(event.chunk?.attribution, request.tenantId)) {
          if (!documents.includes(name)) documents.push(name);
        }
        const bytes = event.chunk?.bytes;
        if (!bytes) continue;
        const text = decoder.decode(bytes, { stream: true });
        if (text.length > 0) chunks += 1;
        // Leaving the loop closes the agent's stream.
        if (coalescer.push(text) === "gone") return result({ stopped: "gone" });
      }
      // An aborted request may end the stream quietly instead of throwing.
      if (stopWatch.stopped()) return await stoppedByUser();
      coalescer.push(decoder.decode());
      const finished = await coalescer.finish();
      return finished.outcome === "gone"
        ? result({ stopped: "gone" })
        : { ...result({ rest: finished.rest }), documents: documents.slice(0, MAX_CITED_DOCUMENTS) };
    } catch (error) {
      // The abort surfaces as an error of the request or the stream: it is the stop, not a failure.
      if (stopWatch.stopped()) return await stoppedByUser();
      // What arrived before the failure goes out before the error event, in order.
      await coalescer.drain();
      // Throttling is retried only when the agent's turn never began: no event of the stream
      // at all (after a trace event its tools may have run; after a chunk the user has text).
      if (!isThrottling(error) || events > 0 || chunks > 0 || attempt >= MAX_AGENT_ATTEMPTS) throw error;
      const delayMs = backoffDelayMs(attempt, deps.random());
      log.warn("agent throttled; retrying", { attempt, delayMs });
      await deps.sleep(delayMs);
    }
  }
}
