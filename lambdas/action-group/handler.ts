/**
 * The action-group handler: a Powertools BedrockAgentFunctionResolver with one tool per
 * entry of TOOL_FUNCTIONS (registered by iterating the schema, so registrations cannot
 * drift from it). Every outcome is a function response to the agent; nothing throws.
 */
import {
  BedrockAgentFunctionResolver,
  BedrockFunctionResponse,
} from "@aws-lambda-powertools/event-handler/bedrock-agent";
import type { BedrockAgentFunctionResponse } from "@aws-lambda-powertools/event-handler/types";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { errorSummary, invocationLogger } from "../common/logger";
import { ToolError, toToolError } from "./errors";
import { TOOL_FUNCTIONS } from "./function-schema";
import { readSessionIdentity } from "./session";
import { toolErrorResult } from "./tool-results";
import { TOOL_IMPLEMENTATIONS, type ToolDependencies, type ToolParameters } from "./tools";

export interface HandlerDependencies extends ToolDependencies {
  logger: Logger;
}

export type ActionGroupHandler = (event: unknown, context?: Context) => Promise<BedrockAgentFunctionResponse>;

const UNKNOWN = "unknown";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function isParameterList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((p) => isRecord(p) && typeof p.name === "string" && typeof p.type === "string" && typeof p.value === "string")
  );
}

function failure(error: ToolError, actionGroup: string, func: string): BedrockAgentFunctionResponse {
  return new BedrockFunctionResponse({
    body: JSON.stringify(toolErrorResult(error)),
    responseState: "FAILURE",
  }).build({ actionGroup, func });
}

/**
 * The resolver asserts the full event shape and throws otherwise. Structural problems
 * (no function, no action group, bad parameters) are refused here as `bad_event`; fields
 * that only carry context are defaulted so that, e.g., absent sessionAttributes surface
 * as the specific `missing_identity` from the tool rather than a generic refusal.
 */
function normaliseEvent(event: unknown): Record<string, unknown> | ToolError {
  if (!isRecord(event) || !nonEmptyString(event.actionGroup) || !nonEmptyString(event.function)) {
    return new ToolError("bad_event", "The event must be an object with non-empty actionGroup and function.");
  }
  if (event.parameters !== undefined && !isParameterList(event.parameters)) {
    return new ToolError("bad_event", "parameters must be a list of {name, type, value} strings.");
  }
  const agent = isRecord(event.agent) ? event.agent : {};
  return {
    ...event,
    messageVersion: typeof event.messageVersion === "string" ? event.messageVersion : "1.0",
    agent: {
      name: typeof agent.name === "string" ? agent.name : UNKNOWN,
      id: typeof agent.id === "string" ? agent.id : UNKNOWN,
      alias: typeof agent.alias === "string" ? agent.alias : UNKNOWN,
      version: typeof agent.version === "string" ? agent.version : UNKNOWN,
    },
    inputText: typeof event.inputText === "string" ? event.inputText : "",
    sessionId: typeof event.sessionId === "string" ? event.sessionId : "",
    sessionAttributes: isRecord(event.sessionAttributes) ? event.sessionAttributes : {},
    promptSessionAttributes: isRecord(event.promptSessionAttributes) ? event.promptSessionAttributes : {},
  };
}

/**
 * Responses never carry session attributes back: Bedrock keeps the session's own when
 * they are omitted, and the scoped credentials then never appear in a response payload.
 */
function withoutSessionState(response: BedrockAgentFunctionResponse): BedrockAgentFunctionResponse {
  const { sessionAttributes: _s, promptSessionAttributes: _p, ...rest } = response;
  return rest;
}

export function createActionGroupResolver(deps: HandlerDependencies): BedrockAgentFunctionResolver {
  const { logger } = deps;
  const resolver = new BedrockAgentFunctionResolver({ logger });
  for (const definition of TOOL_FUNCTIONS) {
    const implementation = TOOL_IMPLEMENTATIONS[definition.name];
    resolver.tool<ToolParameters>(
      async (params, { event }) => {
        // This call's keys on its own lines only (common/logger.ts), never on the shared logger.
        const log = invocationLogger(logger, { tool: definition.name });
        try {
          const identity = readSessionIdentity(event.sessionAttributes, deps.now());
          log.appendKeys({ tenantId: identity.tenantId, userId: identity.userId, answerId: identity.answerId });
          const result = await implementation(identity, params, deps);
          log.info("tool answered", { result: "error" in result ? result.error : "ok" });
          return new BedrockFunctionResponse({ body: JSON.stringify(result) });
        } catch (error) {
          const toolError = toToolError(error);
          log.warn("tool refused", { errorCode: toolError.code, ...errorSummary(error) });
          return new BedrockFunctionResponse({
            body: JSON.stringify(toolErrorResult(toolError)),
            responseState: "FAILURE",
          });
        }
      },
      { name: definition.name, description: definition.description },
    );
  }
  return resolver;
}

export function createActionGroupHandler(deps: HandlerDependencies): ActionGroupHandler {
  const resolver = createActionGroupResolver(deps);
  const { logger } = deps;
  return async (event, context) => {
    if (context) logger.addContext(context);
    const normalised = normaliseEvent(event);
    if (normalised instanceof ToolError) {
      logger.warn("malformed event refused", { errorCode: normalised.code });
      const actionGroup = isRecord(event) && nonEmptyString(event.actionGroup) ? event.actionGroup : UNKNOWN;
      const func = isRecord(event) && nonEmptyString(event.function) ? event.function : UNKNOWN;
      return failure(normalised, actionGroup, func);
    }
    try {
      return withoutSessionState(await resolver.resolve(normalised, context ?? ({} as Context)));
    } catch (error) {
      logger.error("resolver failed", errorSummary(error));
      return failure(new ToolError("internal"), normalised.actionGroup as string, normalised.function as string);
    }
  };
}
