/**
 * Per-tenant metrics of the chat function, written as CloudWatch embedded metric format
 * (EMF) lines by Powertools Metrics: one JSON line on stdout per record, which CloudWatch
 * Logs turns into metrics with no API call and no latency on the answer path (locally the
 * Lambda stand-in copies these lines to `.local/metrics/<function>.jsonl`).
 *
 * Every metric carries the `tenantId` dimension (from the verified identity, I1; never a
 * user id, which would make one custom metric per user); errors also carry `code`. The
 * stage's dashboard (infra/dashboard.ts) reads exactly these names.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { ErrorCode, ServerEvent } from "../common/server-events";

export const METRIC_NAMES = {
  /** Asks accepted and handed to the answer step. */
  asks: "Asks",
  /** Error events sent for a frame or an answer; dimension `code` too. */
  errors: "Errors",
  /** Asks refused for the per-user limit, and answers the agent throttled (code `throttled`). */
  throttles: "Throttles",
  /** Asks refused because a token budget of the tenant or user is spent (code `budget_exhausted`). */
  budgetRefusals: "BudgetRefusals",
  /** Model tokens of an answer (from the agent's trace, metering). */
  inputTokens: "InputTokens",
  outputTokens: "OutputTokens",
  /** Answer step start to its last event, in milliseconds. */
  answerLatency: "AnswerLatency",
} as const;

export const TENANT_DIMENSION = "tenantId";
export const ERROR_CODE_DIMENSION = "code";
/** Powertools adds `service` to every line; the dashboard names it with the same value. */
export const METRICS_SERVICE = "chat";

export interface AnswerMetrics {
  /** Milliseconds from the answer step's start to its end. */
  latencyMs: number;
  /** Model tokens, when the agent's trace reported them. */
  inputTokens?: number;
  outputTokens?: number;
}

/** The code a budget refusal carries; counted as BudgetRefusals as well as Errors. */
const BUDGET_CODE = "budget_exhausted";

/**
 * One instance per execution environment. Each method publishes at once: an invocation
 * handles one frame or one answer, and a record published at the moment it happens is
 * never lost to a later failure of the same invocation.
 */
export class ChatMetrics {
  constructor(private readonly metrics: Metrics) {}

  /** A route's reply to a frame of a verified caller: an `accepted` or an `error` counts. */
  replySent(tenantId: string, event: ServerEvent): void {
    if (event.type === "accepted") this.askAccepted(tenantId);
    else if (event.type === "error") this.errorSent(tenantId, event.code);
  }

  /** An ask passed every check and was handed to the answer step. */
  askAccepted(tenantId: string): void {
    this.publish(tenantId, (m) => m.addMetric(METRIC_NAMES.asks, MetricUnit.Count, 1));
  }

  /**
   * An `error` event went to a client (a route refusal or a failed answer). Throttling and
   * budget refusals are also counted on their own, so an alarm can watch one number.
   */
  errorSent(tenantId: string, code: ErrorCode | typeof BUDGET_CODE): void {
    this.publish(tenantId, (m) => m.addDimension(ERROR_CODE_DIMENSION, code).addMetric(METRIC_NAMES.errors, MetricUnit.Count, 1));
    if (code === "throttled") this.publish(tenantId, (m) => m.addMetric(METRIC_NAMES.throttles, MetricUnit.Count, 1));
    if (code === BUDGET_CODE) this.publish(tenantId, (m) => m.addMetric(METRIC_NAMES.budgetRefusals, MetricUnit.Count, 1));
  }

  /** The answer step ended (done, stopped or failed): its latency and, when known, its tokens. */
  answerEnded(tenantId: string, answer: AnswerMetrics): void {
    this.publish(tenantId, (m) => {
      m.addMetric(METRIC_NAMES.answerLatency, MetricUnit.Milliseconds, Math.max(0, answer.latencyMs));
      if (answer.inputTokens !== undefined) m.addMetric(METRIC_NAMES.inputTokens, MetricUnit.Count, answer.inputTokens);
      if (answer.outputTokens !== undefined) m.addMetric(METRIC_NAMES.outputTokens, MetricUnit.Count, answer.outputTokens);
    });
  }

  private publish(tenantId: string, add: (metrics: Metrics) => void): void {
    this.metrics.addDimension(TENANT_DIMENSION, tenantId);
    add(this.metrics);
    // Clears the metrics and the per-record dimensions (tenantId, code) for the next record.
    this.metrics.publishStoredMetrics();
  }
}

/** The function's metrics; the namespace comes from POWERTOOLS_METRICS_NAMESPACE (chat config). */
export function createChatMetrics(namespace: string): ChatMetrics {
  return new ChatMetrics(new Metrics({ namespace, serviceName: METRICS_SERVICE }));
}
