/**
 * The numbers metering takes from the agent's trace (InvokeAgent with `enableTrace`), and
 * nothing else. A trace carries the prompts the model saw, its raw responses, its reasoning,
 * tool inputs and outputs: the other tenant-facing text of an answer. This module reads only
 * four numeric fields and one enum out of it; the trace object itself is never logged,
 * stored, or sent to the client (the answer step drops it after this call).
 *
 * Where the usage numbers are (InvokeAgent TracePart, checked 2026-12-02 against the
 * Bedrock agent runtime API reference and @aws-sdk/client-bedrock-agent-runtime's Trace
 * union): `metadata.usage.{inputTokens, outputTokens}` of the `modelInvocationOutput` of a
 * pre-processing, orchestration, post-processing or routing-classifier trace: one per model
 * call. A tool call is an orchestration trace's `invocationInput` of type `ACTION_GROUP`.
 * Pure.
 */
import type { TracePart } from "@aws-sdk/client-bedrock-agent-runtime";

export interface TraceUsage {
  inputTokens: number;
  outputTokens: number;
  toolCalls: number;
}

export const NO_USAGE: TraceUsage = Object.freeze({ inputTokens: 0, outputTokens: 0, toolCalls: 0 });

/** Model-invocation traces that carry token usage. */
const MODEL_STEPS = ["preProcessingTrace", "orchestrationTrace", "postProcessingTrace", "routingClassifierTrace"] as const;

/** A token count as the trace gives it; anything that is not a whole number ≥ 0 counts 0. */
function count(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The usage numbers of one trace event (zeros for a trace without any). */
export function traceUsage(part: TracePart | undefined): TraceUsage {
  const trace = part?.trace;
  if (trace === undefined) return NO_USAGE;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const step of MODEL_STEPS) {
    const usage = field(field(field(field(trace, step), "modelInvocationOutput"), "metadata"), "usage");
    inputTokens += count(field(usage, "inputTokens"));
    outputTokens += count(field(usage, "outputTokens"));
  }
  const invocationType = field(field(field(trace, "orchestrationTrace"), "invocationInput"), "invocationType");
  return { inputTokens, outputTokens, toolCalls: invocationType === "ACTION_GROUP" ? 1 : 0 };
}

export function addUsage(a: TraceUsage, b: TraceUsage): TraceUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, toolCalls: a.toolCalls + b.toolCalls };
}
