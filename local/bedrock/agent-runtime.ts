/**
 * Local stand-in for the Bedrock agent runtime's InvokeAgent: an unencrypted HTTP/2
 * server (the SDK client speaks HTTP/2 only) that validates the request like the service,
 * asks the injected `authorize` for SigV4 + IAM, runs the deterministic planner, calls the
 * action group with the real function-details event, and streams the answer as
 * event-stream `chunk` frames, after the turn's `trace` frames when enableTrace is set
 * (agent-trace.ts: usage numbers from the text lengths).
 *
 * Local-only test hooks (never in AWS): a prompt containing `[[throttle]]` is refused with
 * ThrottlingException (HTTP 429) before the stream starts; `[[throttle-mid-stream]]`
 * sends one chunk and then a `throttlingException` frame; `[[refuse-stream-once]]` resets
 * the first request of a session with that prompt with RST_STREAM REFUSED_STREAM, before
 * anything is processed (what a server shutting down or over its stream limit does,
 * RFC 9113 §8.7), and answers the same request when it comes again.
 */
import * as http2 from "node:http2";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import * as z from "zod";
import type { ToolFunction } from "../../lambdas/action-group/function-schema";
import { SUB_PATTERN } from "../../lambdas/common/identifiers";
import { LocalAwsError, readBody, readRawRequest, type RawAwsRequest } from "../runtime/aws-request";
import type { CallCounter } from "../runtime/call-counter";
import { ConversationMemory } from "./agent-memory";
import {
  ActionGroupResponseError,
  buildActionGroupEvent,
  planTurn,
  readActionGroupResponse,
  renderAnswer,
  splitIntoChunks,
  type AgentMode,
  type ToolOutcome,
} from "./agent-planner";
import { turnTrace } from "./agent-trace";
import { encodeChunkEvent, encodeExceptionEvent, encodeTraceEvent, type StreamExceptionType } from "./event-stream";
import { renderKnowledgeAnswer, retrievalFor, wantsKnowledge, type KnowledgeAnswer, type KnowledgeRetrieval } from "./knowledge-answer";
import type { LocalKnowledgeBase } from "./knowledge-base";
import { RetrievalFilterError } from "./retrieval-filter";

export type { AgentMode } from "./agent-planner";

export interface LocalAgentDefinition {
  agentId: string;
  agentAliasId: string;
  agentName: string;
  actionGroupName: string;
  functions: readonly ToolFunction[];
}

export interface BedrockAgentRuntimeOptions {
  /** 0 (default) = a free port. */
  port?: number;
  agent: LocalAgentDefinition;
  /** Verify SigV4 + IAM (bedrock:InvokeAgent on the alias ARN); throws LocalAwsError to refuse. */
  authorize(request: RawAwsRequest, resourceArn: string): Promise<void>;
  /** Call the action-group Lambda synchronously with the function-details event; returns its response object. */
  invokeActionGroup(event: unknown): Promise<unknown>;
  /**
   * Read per request, so tests can switch it at runtime, for the user whose turn it is
   * (see `turnUserId`; undefined when the request names no user): the red team's
   * compromised agent is scoped to its attacker users.
   */
  mode(userId: string | undefined): AgentMode;
  /** Region and account for the alias ARN handed to `authorize`. */
  region?: string;
  accountId?: string;
  /**
   * Pause between streamed chunks, standing in for the model's speed so streaming is
   * observable (default 15 ms); 0 (a benchmark setting) streams without pausing. Read per
   * request, so a benchmark can switch it on a running stack.
   */
  chunkDelayMs?: () => number;
  calls?: CallCounter;
  /** The knowledge base associated with the agent (I18), if any. */
  knowledgeBase?: LocalKnowledgeBase;
}

export interface BedrockAgentRuntimeServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Whose turn an InvokeAgent request is: the sessionAttributes' userId (the identity the
 * action group acts for), else the sub that prefixes the session id (`<sub>.<conversation>`).
 * Undefined when neither is a Cognito sub, which the red team's `agentModeFor`
 * (local/redteam/agent-mode-scope.ts) answers with honest.
 */
export function turnUserId(sessionAttributes: Readonly<Record<string, string>> | undefined, sessionId: string): string | undefined {
  const fromAttributes = sessionAttributes?.userId;
  if (fromAttributes !== undefined) return SUB_PATTERN.test(fromAttributes) ? fromAttributes : undefined;
  const prefix = sessionId.split(".")[0];
  return SUB_PATTERN.test(prefix) ? prefix : undefined;
}

export const THROTTLE_MARKER = "[[throttle]]";
export const MID_STREAM_THROTTLE_MARKER = "[[throttle-mid-stream]]";
export const REFUSE_STREAM_ONCE_MARKER = "[[refuse-stream-once]]";
/** Requests refused once by the hook (session and prompt), so the next one is answered; bounded. */
const MAX_REFUSED_REMEMBERED = 1_000;
/**
 * Test hook: stream the answer word by word, `SLOW_CHUNK_DELAY_MS` apart, so a test (or a
 * person trying the Stop button) can stop it mid-answer.
 */
export const SLOW_MARKER = "[[slow]]";
export const SLOW_CHUNK_DELAY_MS = 400;

const ROUTE = /^\/agents\/([^/]+)\/agentAliases\/([^/]+)\/sessions\/([^/]+)\/text$/;
export const SESSION_ID_PATTERN = /^[0-9a-zA-Z._:-]{2,100}$/;
const MAX_BODY_BYTES = 1024 * 1024;

const StringMap = z.record(z.string(), z.string());
const InvokeAgentBody = z.object({
  inputText: z.string().max(25_000, "inputText must be at most 25000 characters").optional(),
  sessionState: z
    .object({
      sessionAttributes: StringMap.optional(),
      promptSessionAttributes: StringMap.optional(),
      knowledgeBaseConfigurations: z.array(z.unknown()).optional(),
    })
    .passthrough()
    .optional(),
  enableTrace: z.boolean().optional(),
  endSession: z.boolean().optional(),
  memoryId: z.string().optional(),
  streamingConfigurations: z
    .object({ streamFinalResponse: z.boolean().optional(), applyGuardrailInterval: z.number().int().optional() })
    .optional(),
});

class StreamAborted extends Error {}

export const DEFAULT_CHUNK_DELAY_MS = 15;

export async function startBedrockAgentRuntime(o: BedrockAgentRuntimeOptions): Promise<BedrockAgentRuntimeServer> {
  const region = o.region ?? "us-east-1";
  const accountId = o.accountId ?? "000000000000";
  const memory = new ConversationMemory();
  const refusedOnce = new Set<string>();
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();

  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  server.on("request", (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof StreamAborted) return;
      if (!res.headersSent) {
        sendError(res, 500, "InternalServerException", "internal error in the local agent runtime");
      } else if (!res.destroyed) {
        void writeFrame(res, encodeExceptionEvent("internalServerException", "internal error in the local agent runtime"))
          .catch(() => undefined)
          .finally(() => res.end());
      }
    });
  });

  async function handle(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req as unknown as NodeJS.ReadableStream, MAX_BODY_BYTES);
    } catch {
      return sendError(res, 400, "ValidationException", `request body must be at most ${MAX_BODY_BYTES} bytes`);
    }
    const raw = readRawRequest(req, body);
    const route = ROUTE.exec(raw.rawPath);
    if (raw.method !== "POST" || !route) {
      return sendError(res, 404, "UnknownOperationException", "unknown operation");
    }
    const [agentId, aliasId, sessionId] = route.slice(1).map(safeDecode);
    const aliasArn = `arn:aws:bedrock:${region}:${accountId}:agent-alias/${agentId}/${aliasId}`;
    o.calls?.count("bedrock", "InvokeAgent");

    try {
      await o.authorize(raw, aliasArn);
    } catch (err) {
      if (err instanceof LocalAwsError) return sendError(res, err.status, err.code, err.message);
      return sendError(res, 500, "InternalServerException", "authorization failed unexpectedly");
    }

    if (agentId !== o.agent.agentId || aliasId !== o.agent.agentAliasId) {
      return sendError(res, 404, "ResourceNotFoundException", `agent alias ${aliasId} of agent ${agentId} not found`);
    }
    if (sessionId === undefined || !SESSION_ID_PATTERN.test(sessionId)) {
      return sendError(res, 400, "ValidationException", "sessionId must be 2-100 characters of [0-9a-zA-Z._:-]");
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return sendError(res, 400, "ValidationException", "request body is not valid JSON");
    }
    const parsed = InvokeAgentBody.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendError(res, 400, "ValidationException", `${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    const request = parsed.data;
    const inputText = request.inputText ?? "";
    if (inputText.includes(THROTTLE_MARKER)) {
      return sendError(res, 429, "ThrottlingException", "Your request rate is too high (local test hook [[throttle]]).");
    }
    if (inputText.includes(REFUSE_STREAM_ONCE_MARKER)) {
      const key = `${sessionId}\n${inputText}`;
      if (!refusedOnce.delete(key)) {
        if (refusedOnce.size >= MAX_REFUSED_REMEMBERED) refusedOnce.clear();
        refusedOnce.add(key);
        res.stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
    }

    let retrieval: KnowledgeRetrieval | undefined;
    if (o.knowledgeBase) {
      try {
        retrieval = retrievalFor(request.sessionState?.knowledgeBaseConfigurations, o.knowledgeBase.knowledgeBaseId);
      } catch (err) {
        const why = err instanceof RetrievalFilterError || err instanceof TypeError ? err.message : "invalid knowledgeBaseConfigurations";
        return sendError(res, 400, "ValidationException", `sessionState.knowledgeBaseConfigurations: ${why}`);
      }
    } else if (request.sessionState?.knowledgeBaseConfigurations?.length) {
      return sendError(res, 400, "ValidationException", "sessionState.knowledgeBaseConfigurations: no knowledge base is associated with this agent");
    }

    const requestId = randomUUID();
    // Through the core API, not res.writeHead: Node's compatibility layer always waits to
    // send trailers, so it ends every stream with a frame of its own, in a later write than
    // the last event; InvokeAgent's stream has no trailers. With the headers sent here, the
    // last event's DATA frame carries the end of the stream (endWithFrame), so the chat
    // function reads the end with the last text and chunk-coalescer.ts puts all of a
    // one-chunk answer in `done`.
    res.stream.respond({
      ":status": 200,
      "content-type": "application/vnd.amazon.eventstream",
      "x-amzn-bedrock-agent-content-type": "application/json",
      "x-amz-bedrock-agent-session-id": sessionId,
      "x-amzn-requestid": requestId,
    });

    const mode = o.mode(turnUserId(request.sessionState?.sessionAttributes, sessionId));
    const plan = planTurn({
      prompt: inputText,
      functions: o.agent.functions,
      mode,
      previousQuestions: memory.previousQuestions(sessionId),
    });
    memory.remember(sessionId, inputText);

    // The knowledge base is searched with the session state's filter, exactly as given.
    const knowledge: KnowledgeAnswer | undefined =
      o.knowledgeBase && retrieval && wantsKnowledge(inputText, plan)
        ? renderKnowledgeAnswer(o.knowledgeBase.retrieve(inputText, retrieval.filter, retrieval.numberOfResults), mode)
        : undefined;

    let answer: string;
    const outcomes: ToolOutcome[] = [];
    if (plan.kind === "reply") {
      answer = knowledge ? knowledge.text : plan.text;
    } else {
      for (const call of plan.calls) {
        const event = buildActionGroupEvent({
          agent: { name: o.agent.agentName, id: o.agent.agentId, alias: o.agent.agentAliasId },
          actionGroup: o.agent.actionGroupName,
          call,
          inputText,
          sessionId,
          sessionAttributes: request.sessionState?.sessionAttributes ?? {},
          promptSessionAttributes: request.sessionState?.promptSessionAttributes ?? {},
        });
        let result: unknown;
        try {
          result = await o.invokeActionGroup(event);
          outcomes.push({ call, ...readActionGroupResponse(result, { actionGroup: o.agent.actionGroupName, function: call.function }) });
        } catch (err) {
          const why = err instanceof ActionGroupResponseError ? err.message : "the action group function failed";
          return failStream(res, "dependencyFailedException", `Dependency failure: ${why}.`);
        }
        if (res.destroyed) return;
      }
      answer = renderAnswer(outcomes, mode);
      if (knowledge) answer = `${answer}\n${knowledge.text}`;
    }

    if (request.endSession) memory.forget(sessionId);

    // Like the service: with enableTrace, the turn's trace (usage numbers included) comes
    // before the final response's chunks.
    if (request.enableTrace === true) {
      const parts = turnTrace({
        agentId,
        agentAliasId: aliasId,
        sessionId,
        inputText,
        actionGroup: o.agent.actionGroupName,
        outcomes,
        answer,
      });
      // One write for the whole trace (7 frames for a turn with one tool call): the frames
      // are all known at once here, and the stream is the same bytes however the writes
      // fall (the SDK decodes frames, not writes); one awaited write per frame cost a
      // DATA frame and a socket write each.
      await writeFrame(res, Buffer.concat(parts.map(encodeTraceEvent)));
    }

    // Like the service: without streamFinalResponse the final answer arrives as one chunk.
    const slow = inputText.includes(SLOW_MARKER);
    const streamed = request.streamingConfigurations?.streamFinalResponse === true;
    const pieces = !streamed ? [answer] : slow ? answer.split(/(?<=\s)/) : splitIntoChunks(answer);
    const midStreamThrottle = inputText.includes(MID_STREAM_THROTTLE_MARKER);
    let ended = false;
    for (const [i, piece] of pieces.entries()) {
      const pause = slow ? SLOW_CHUNK_DELAY_MS : (o.chunkDelayMs?.() ?? DEFAULT_CHUNK_DELAY_MS);
      if (i > 0 && pause > 0) await sleep(pause);
      // The citations ride on the last chunk (spans are relative to the knowledge answer).
      const last = i === pieces.length - 1;
      const frame = encodeChunkEvent(piece, last ? knowledge?.attribution : undefined);
      // The last event ends the stream in the same write (the service's stream ends once
      // the model has finished, not one write later).
      ended = last && !midStreamThrottle;
      if (ended) endWithFrame(res, frame);
      else await writeFrame(res, frame);
      if (i === 0) o.calls?.mark("bedrock", "FirstChunk");
      if (midStreamThrottle) {
        return failStream(res, "throttlingException", "Your request rate is too high (local test hook [[throttle-mid-stream]]).");
      }
    }
    if (!ended) res.end();
    o.calls?.mark("bedrock", "StreamEnd");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sendError(res: http2.Http2ServerResponse, status: number, code: string, message: string): void {
  if (res.destroyed) return;
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    "content-type": "application/json",
    "x-amzn-errortype": code,
    "x-amzn-requestid": randomUUID(),
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

function writeFrame(res: http2.Http2ServerResponse, frame: Uint8Array): Promise<void> {
  if (res.destroyed) return Promise.reject(new StreamAborted());
  return new Promise((resolve, reject) => {
    const bytes = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    res.write(bytes, (err) => (err ? reject(new StreamAborted()) : resolve()));
  });
}

/** Writes the stream's last event and ends the stream with it (END_STREAM on its DATA frame). */
function endWithFrame(res: http2.Http2ServerResponse, frame: Uint8Array): void {
  if (res.destroyed) throw new StreamAborted();
  res.end(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
}

async function failStream(res: http2.Http2ServerResponse, type: StreamExceptionType, message: string): Promise<void> {
  await writeFrame(res, encodeExceptionEvent(type, message));
  res.end();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
