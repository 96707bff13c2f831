/**
 * The trace the local agent streams when InvokeAgent sets `enableTrace`: TracePart objects in
 * the shapes of the Bedrock agent runtime API (checked 2026-12-02: TracePart, Trace union,
 * OrchestrationTrace with modelInvocationInput / modelInvocationOutput{metadata.usage} /
 * rationale / invocationInput{invocationType ACTION_GROUP, actionGroupInvocationInput} /
 * observation), so the chat function's metering reads the same fields it reads on AWS.
 *
 * Usage numbers are deterministic from the text lengths: ceil(characters / 4) tokens. One
 * model call plans (input: the instruction and the question; output: the rationale and the
 * calls), and, when tools ran, one more answers (input: the question and the tools' results;
 * output: the answer). The text fields carry LOCAL_TRACE_CANARY, so tests can prove that no
 * trace text ever leaves the chat function (I22). Pure.
 */
import type { ToolOutcome } from "./agent-planner";

/** In every trace's text, never in an answer: found anywhere else, trace content leaked. */
export const LOCAL_TRACE_CANARY = "local-trace-canary-3f9d27c1";

/** Deterministic token count of a text (about four characters a token). */
export function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface TraceInput {
  agentId: string;
  agentAliasId: string;
  agentVersion?: string;
  sessionId: string;
  inputText: string;
  /** The action group's name, for the invocation inputs. */
  actionGroup: string;
  /** The tool calls made and their results (empty when the agent answered directly). */
  outcomes: readonly ToolOutcome[];
  answer: string;
}

/** Stands in for the orchestration prompt template the model receives around the question. */
const INSTRUCTION = `You are an assistant for one company. Use the tools to answer. [${LOCAL_TRACE_CANARY}]`;

export interface TraceTotals {
  inputTokens: number;
  outputTokens: number;
  toolCalls: number;
}

/** The TracePart objects of one turn, in the order the service streams them (before the answer's chunks). */
export function turnTrace(t: TraceInput): object[] {
  const envelope = { agentId: t.agentId, agentAliasId: t.agentAliasId, agentVersion: t.agentVersion ?? "1", sessionId: t.sessionId };
  const parts: object[] = [];
  const step = (orchestrationTrace: object) => parts.push({ ...envelope, trace: { orchestrationTrace } });
  const modelCall = (traceId: string, input: string, output: string) => {
    step({ modelInvocationInput: { traceId, type: "ORCHESTRATION", text: input } });
    step({
      modelInvocationOutput: {
        traceId,
        rawResponse: { content: output },
        metadata: { usage: { inputTokens: tokensOf(input), outputTokens: tokensOf(output) } },
      },
    });
  };

  const question = `${INSTRUCTION}\n${t.inputText}`;
  if (t.outcomes.length === 0) {
    modelCall("local-0", question, `${t.answer} [${LOCAL_TRACE_CANARY}]`);
    return parts;
  }
  const plan = `I will call ${t.outcomes.map((o) => o.call.function).join(", ")}. [${LOCAL_TRACE_CANARY}]`;
  modelCall("local-0", question, plan);
  step({ rationale: { traceId: "local-0", text: plan } });
  for (const [i, outcome] of t.outcomes.entries()) {
    const traceId = `local-${i + 1}`;
    step({
      invocationInput: {
        traceId,
        invocationType: "ACTION_GROUP",
        actionGroupInvocationInput: { actionGroupName: t.actionGroup, function: outcome.call.function, parameters: outcome.call.parameters },
      },
    });
    step({ observation: { traceId, type: "ACTION_GROUP", actionGroupInvocationOutput: { text: outcome.body } } });
  }
  const results = t.outcomes.map((o) => o.body).join("\n");
  modelCall(`local-${t.outcomes.length + 1}`, `${question}\n${results}`, `${t.answer} [${LOCAL_TRACE_CANARY}]`);
  return parts;
}

/** What the trace of a turn adds up to (tests compare the chat function's count with it). */
export function traceTotals(parts: readonly object[]): TraceTotals {
  const totals: TraceTotals = { inputTokens: 0, outputTokens: 0, toolCalls: 0 };
  for (const part of parts) {
    const o = (part as { trace: { orchestrationTrace: Record<string, { metadata?: { usage: TraceTotals }; invocationType?: string }> } }).trace
      .orchestrationTrace;
    totals.inputTokens += o.modelInvocationOutput?.metadata?.usage.inputTokens ?? 0;
    totals.outputTokens += o.modelInvocationOutput?.metadata?.usage.outputTokens ?? 0;
    if (o.invocationInput?.invocationType === "ACTION_GROUP") totals.toolCalls += 1;
  }
  return totals;
}
