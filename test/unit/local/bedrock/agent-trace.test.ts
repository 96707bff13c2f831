/** local/bedrock/agent-trace.ts: the local agent's trace, in the service's shapes, usage from text lengths. */
import { LOCAL_TRACE_CANARY, tokensOf, traceTotals, turnTrace } from "../../../../local/bedrock/agent-trace";
import { addUsage, NO_USAGE, traceUsage } from "../../../../lambdas/chat/trace-usage";
import type { TracePart } from "@aws-sdk/client-bedrock-agent-runtime";

const base = {
  agentId: "AGENT12345",
  agentAliasId: "ALIAS12345",
  sessionId: "s-1",
  inputText: "What is the return policy?",
  actionGroup: "orders",
};
const call = { function: "getReturnPolicy", parameters: [] };

describe("turnTrace", () => {
  it("counts ceil(characters / 4) tokens", () => {
    expect([tokensOf(""), tokensOf("abc"), tokensOf("abcd"), tokensOf("abcde")]).toEqual([0, 1, 1, 2]);
  });

  it("is one model call for a direct answer, with its usage in modelInvocationOutput.metadata.usage", () => {
    const parts = turnTrace({ ...base, outcomes: [], answer: "Hello there." });
    expect(parts).toHaveLength(2);
    expect(parts[1]).toMatchObject({
      agentId: "AGENT12345",
      sessionId: "s-1",
      trace: { orchestrationTrace: { modelInvocationOutput: { metadata: { usage: { outputTokens: tokensOf(`Hello there. [${LOCAL_TRACE_CANARY}]`) } } } } },
    });
    expect(traceTotals(parts)).toEqual({ inputTokens: expect.any(Number), outputTokens: tokensOf(`Hello there. [${LOCAL_TRACE_CANARY}]`), toolCalls: 0 });
  });

  it("plans, calls each tool, and answers from the results: deterministic, and read the same by the chat function", () => {
    const input = { ...base, outcomes: [{ call, body: '{"returnPolicyDays":10}' }], answer: "Returns within 10 days." };
    const parts = turnTrace(input);
    expect(turnTrace(input)).toEqual(parts);
    const totals = traceTotals(parts);
    expect(totals.toolCalls).toBe(1);
    const read = parts.map((p) => traceUsage(p as TracePart)).reduce(addUsage, NO_USAGE);
    expect(read).toEqual(totals);
    // The second call's input holds the question and the tool result: it costs more than the first.
    const inputs = parts.flatMap((p) => {
      const usage = (p as { trace: { orchestrationTrace: { modelInvocationOutput?: { metadata: { usage: { inputTokens: number } } } } } }).trace
        .orchestrationTrace.modelInvocationOutput?.metadata.usage;
      return usage ? [usage.inputTokens] : [];
    });
    expect(inputs).toHaveLength(2);
    expect(inputs[1]).toBeGreaterThan(inputs[0]);
  });

  it("carries the canary in its text, so a leak of trace content can be seen", () => {
    expect(JSON.stringify(turnTrace({ ...base, outcomes: [{ call, body: "{}" }], answer: "ok" }))).toContain(LOCAL_TRACE_CANARY);
  });
});
