/**
 * Which error event a failed answer ends with. Pure: the client learns the category
 * (retry later, the assistant failed, or we failed), never the underlying message.
 */
import { BedrockAgentRuntimeServiceException } from "@aws-sdk/client-bedrock-agent-runtime";
import type { ErrorCode } from "../shared/protocol";

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
