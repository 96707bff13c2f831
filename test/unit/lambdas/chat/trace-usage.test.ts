/** lambdas/chat/trace-usage.ts: only the usage numbers come out of a trace. */
import type { TracePart } from "@aws-sdk/client-bedrock-agent-runtime";
import { addUsage, NO_USAGE, traceUsage } from "../../../../lambdas/chat/trace-usage";

const part = (trace: object): TracePart => ({ agentId: "A", sessionId: "s", trace } as unknown as TracePart);
const modelOutput = (inputTokens: unknown, outputTokens: unknown) => ({
  modelInvocationOutput: { traceId: "t-1", rawResponse: { content: "CANARY raw" }, metadata: { usage: { inputTokens, outputTokens } } },
});

describe("traceUsage", () => {
  it("reads the usage of each model step's modelInvocationOutput", () => {
    expect(traceUsage(part({ orchestrationTrace: modelOutput(120, 30) }))).toEqual({ inputTokens: 120, outputTokens: 30, toolCalls: 0 });
    expect(traceUsage(part({ preProcessingTrace: modelOutput(10, 2) }))).toEqual({ inputTokens: 10, outputTokens: 2, toolCalls: 0 });
    expect(traceUsage(part({ postProcessingTrace: modelOutput(7, 3) }))).toEqual({ inputTokens: 7, outputTokens: 3, toolCalls: 0 });
    expect(traceUsage(part({ routingClassifierTrace: modelOutput(5, 1) }))).toEqual({ inputTokens: 5, outputTokens: 1, toolCalls: 0 });
  });

  it("counts an action-group invocation as a tool call, and nothing else as one", () => {
    const call = (invocationType: string) => part({ orchestrationTrace: { invocationInput: { invocationType, actionGroupInvocationInput: { function: "x" } } } });
    expect(traceUsage(call("ACTION_GROUP")).toolCalls).toBe(1);
    expect(traceUsage(call("KNOWLEDGE_BASE")).toolCalls).toBe(0);
    expect(traceUsage(call("FINISH")).toolCalls).toBe(0);
  });

  it("counts 0 for traces without usage and for values that are not whole numbers ≥ 0", () => {
    expect(traceUsage(undefined)).toEqual(NO_USAGE);
    expect(traceUsage(part({ orchestrationTrace: { rationale: { text: "CANARY" } } }))).toEqual(NO_USAGE);
    expect(traceUsage(part({ failureTrace: { failureReason: "CANARY" } }))).toEqual(NO_USAGE);
    for (const bad of [-1, 1.5, "12", null, Number.NaN, Number.MAX_VALUE, { n: 1 }]) {
      expect(traceUsage(part({ orchestrationTrace: modelOutput(bad, bad) }))).toEqual(NO_USAGE);
    }
    expect(traceUsage(part({ orchestrationTrace: "CANARY" }))).toEqual(NO_USAGE);
  });

  it("returns numbers only: no string of the trace comes out", () => {
    const usage = traceUsage(part({ orchestrationTrace: modelOutput(1, 2) }));
    expect(Object.values(usage).every((v) => typeof v === "number")).toBe(true);
    expect(JSON.stringify(usage)).not.toContain("CANARY");
  });

  it("adds usages", () => {
    expect(addUsage({ inputTokens: 1, outputTokens: 2, toolCalls: 3 }, { inputTokens: 10, outputTokens: 20, toolCalls: 30 })).toEqual({
      inputTokens: 11,
      outputTokens: 22,
      toolCalls: 33,
    });
  });
});
