/**
 * The asynchronous answer step: mint tenant-scoped credentials, ask the Bedrock agent
 * with them in sessionAttributes, and stream its answer to the asker's connection.
 * Nothing is sent before the connection is confirmed to belong to the asker
 * (invariant 6), and every question ends with `done` or an `error` event (invariant 9).
 * Never throws: Lambda would retry a failed asynchronous invoke and answer twice.
 */
import { InvokeAgentCommand } from "@aws-sdk/client-bedrock-agent-runtime";
import { AnswerChannel } from "../shared/connections";
import { agentSessionId } from "../shared/identifiers";
import { errorSummary } from "../shared/logger";
import { chunk, done, errorEvent } from "../shared/protocol";
import type { SessionAttributes } from "../shared/session-attributes";
import type { ScopedCredentials } from "../shared/scoped-credentials";
import { AgentResponseError, FAILURE_MESSAGES, classifyAnswerFailure, isThrottling } from "./answer-failure";
import type { AnswerRequest } from "./answer-request";
import type { ChatDependencies } from "./dependencies";
import { MAX_AGENT_ATTEMPTS, backoffDelayMs } from "./retry";

export type AnswerOutcome = "done" | "error" | "gone" | "not_owner";

type Logger = ChatDependencies["logger"];

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

export async function answer(request: AnswerRequest, deps: ChatDependencies): Promise<AnswerOutcome> {
  const log = deps.logger.createChild();
  log.appendKeys({ tenantId: request.tenantId, userId: request.userId, answerId: request.answerId });
  const started = deps.now().getTime();

  let channel: AnswerChannel;
  try {
    // Checked before credentials are minted or the agent is asked, not just before sending.
    const record = await deps.connections.get(request.connectionId);
    if (!record) {
      log.info("answer dropped: the connection is gone");
      return "gone";
    }
    if (record.userId !== request.userId || record.tenantId !== request.tenantId) {
      log.warn("answer refused: the connection belongs to another user");
      return "not_owner";
    }
    channel = new AnswerChannel(deps.api, deps.connections, request.connectionId, request.userId);
  } catch (error) {
    // Without a verified connection there is nobody we may tell.
    log.error("answer failed before the connection was verified", errorSummary(error));
    return "error";
  }

  log.info("answer started", { promptLength: request.prompt.length });
  try {
    const credentials = await deps.credentials.get(request.tenantId, request.userId);
    const streamed = await streamAgentAnswer(request, credentials, channel, deps, log);
    if (streamed.stopped !== undefined) {
      log.info("answer stopped", { reason: streamed.stopped, chunks: streamed.chunks });
      return streamed.stopped;
    }
    const final = await channel.send(done(request.answerId));
    if (final !== "sent") return final;
    log.info("answer done", {
      chunks: streamed.chunks,
      attempts: streamed.attempts,
      durationMs: deps.now().getTime() - started,
    });
    return "done";
  } catch (error) {
    const code = classifyAnswerFailure(error);
    log.error("answer failed", { code, ...errorSummary(error) });
    try {
      const sent = await channel.send(errorEvent(code, FAILURE_MESSAGES[code], request.answerId));
      if (sent !== "sent") return sent;
    } catch (sendError) {
      log.error("could not report the failure to the client", errorSummary(sendError));
    }
    return "error";
  }
}

interface StreamResult {
  chunks: number;
  attempts: number;
  /** Set when the channel closed mid-answer: stop quietly. */
  stopped?: "gone" | "not_owner";
}

async function streamAgentAnswer(
  request: AnswerRequest,
  credentials: ScopedCredentials,
  channel: AnswerChannel,
  deps: ChatDependencies,
  log: Logger,
): Promise<StreamResult> {
  let chunks = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await deps.agent.send(
        new InvokeAgentCommand({
          agentId: deps.config.agentId,
          agentAliasId: deps.config.agentAliasId,
          sessionId: agentSessionId(request.userId, request.conversationId),
          inputText: request.prompt,
          sessionState: { sessionAttributes: { ...sessionAttributes(request, credentials) } },
          streamingConfigurations: { streamFinalResponse: true },
          enableTrace: false,
        }),
      );
      if (!response.completion) throw new AgentResponseError("the agent returned no completion stream");
      // Streaming decode: a multi-byte character may be split across two chunks.
      const decoder = new TextDecoder("utf-8");
      const forward = async (text: string): Promise<"sent" | "gone" | "not_owner"> => {
        if (text.length === 0) return "sent";
        chunks += 1;
        return channel.send(chunk(request.answerId, text));
      };
      for await (const event of response.completion) {
        const bytes = event.chunk?.bytes;
        if (!bytes) continue;
        const outcome = await forward(decoder.decode(bytes, { stream: true }));
        // Leaving the loop closes the agent's stream.
        if (outcome !== "sent") return { chunks, attempts: attempt, stopped: outcome };
      }
      const tail = await forward(decoder.decode());
      if (tail !== "sent") return { chunks, attempts: attempt, stopped: tail };
      return { chunks, attempts: attempt };
    } catch (error) {
      // After the first chunk a retry would repeat text the user already has.
      if (!isThrottling(error) || chunks > 0 || attempt >= MAX_AGENT_ATTEMPTS) throw error;
      const delayMs = backoffDelayMs(attempt, deps.random());
      log.warn("agent throttled; retrying", { attempt, delayMs });
      await deps.sleep(delayMs);
    }
  }
}
