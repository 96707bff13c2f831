/**
 * lambdas/chat/answer-metrics.ts: the EMF lines the chat function writes, read back as
 * CloudWatch would: namespace, dimension sets ([service, tenantId], errors with code),
 * metric names, units and values, and no dimension leaking from one record to the next.
 */
import { ChatMetrics, createChatMetrics, METRIC_NAMES } from "../../../../lambdas/chat/answer-metrics";
import { accepted, errorEvent, pong } from "../../../../lambdas/common/server-events";

interface EmfLine {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

const NAMESPACE = "multi-tenant-assistant/test";

/** Runs `act` and returns the EMF lines it wrote to stdout. */
function emfLines(act: (metrics: ChatMetrics) => void): EmfLine[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    act(createChatMetrics(NAMESPACE));
  } finally {
    spy.mockRestore();
  }
  return written.join("").split("\n").filter((line) => line.trim().length > 0).map((line) => JSON.parse(line) as EmfLine);
}

/** The metric values of one line, by name, with their units. */
function metricsOf(line: EmfLine): Record<string, { value: unknown; unit: string }> {
  const [directive] = line._aws.CloudWatchMetrics;
  return Object.fromEntries(directive.Metrics.map((m) => [m.Name, { value: line[m.Name], unit: m.Unit }]));
}

describe("ChatMetrics", () => {
  it("writes one EMF line per accepted ask, in the stage's namespace, with the tenant dimension", () => {
    const [line, ...rest] = emfLines((m) => m.askAccepted("tenant1"));
    expect(rest).toEqual([]);
    const [directive] = line._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe(NAMESPACE);
    expect(directive.Dimensions).toEqual([["service", "tenantId"]]);
    expect(line).toMatchObject({ service: "chat", tenantId: "tenant1" });
    expect(metricsOf(line)).toEqual({ [METRIC_NAMES.asks]: { value: 1, unit: "Count" } });
    expect(typeof line._aws.Timestamp).toBe("number");
  });

  it("counts errors by code, and throttles and budget refusals on their own too", () => {
    const lines = emfLines((m) => {
      m.errorSent("tenant1", "forbidden");
      m.errorSent("tenant2", "throttled");
      m.errorSent("tenant3", "budget_exhausted");
    });
    expect(lines.map((l) => [l.tenantId, l.code ?? null, Object.keys(metricsOf(l))])).toEqual([
      ["tenant1", "forbidden", ["Errors"]],
      ["tenant2", "throttled", ["Errors"]],
      ["tenant2", null, ["Throttles"]],
      ["tenant3", "budget_exhausted", ["Errors"]],
      ["tenant3", null, ["BudgetRefusals"]],
    ]);
    expect(lines[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([["service", "tenantId", "code"]]);
    // The code dimension belongs to the Errors line only.
    expect(lines[2]._aws.CloudWatchMetrics[0].Dimensions).toEqual([["service", "tenantId"]]);
  });

  it("records an answer's latency and, when known, its tokens", () => {
    const [withTokens, withoutTokens] = emfLines((m) => {
      m.answerEnded("tenant1", { latencyMs: 1234, inputTokens: 800, outputTokens: 120 });
      m.answerEnded("tenant2", { latencyMs: -5 });
    });
    expect(metricsOf(withTokens)).toEqual({
      AnswerLatency: { value: 1234, unit: "Milliseconds" },
      InputTokens: { value: 800, unit: "Count" },
      OutputTokens: { value: 120, unit: "Count" },
    });
    // Unknown tokens are left out, not written as zero; a clock step never gives a negative latency.
    expect(metricsOf(withoutTokens)).toEqual({ AnswerLatency: { value: 0, unit: "Milliseconds" } });
    expect(withoutTokens.tenantId).toBe("tenant2");
  });

  it("counts a route's accepted and error replies, nothing else", () => {
    const lines = emfLines((m) => {
      m.replySent("tenant1", accepted("a"));
      m.replySent("tenant1", pong());
      m.replySent("tenant1", errorEvent("bad_request", "no"));
    });
    expect(lines.map((l) => Object.keys(metricsOf(l))[0])).toEqual(["Asks", "Errors"]);
    expect(lines[1].code).toBe("bad_request");
  });
});
