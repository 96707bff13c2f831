/**
 * Counts every call the local stand-ins serve, by service and operation (with an optional
 * detail, e.g. the table or the event type), and the bytes where they cost money
 * (PostToConnection). Cheap: one Map update per call. Read in-process by the benchmarks
 * (`LocalStack.calls`) and over the authenticated control server (`GET /calls`) by the
 * integration suite; counts are deterministic for a given answer, so tests may assert them.
 *
 * Benchmark only: while a trace is on (`startTrace`), every count and every `mark` (a
 * moment that is not a call, e.g. an invocation's end) is also recorded with its time, so
 * `scripts/bench/ask-latency.ts` can lay out one answer's critical path. Off by default:
 * a stack that nobody traces records nothing.
 */

export const COUNTED_SERVICES = ["lambda", "dynamodb", "sts", "apigateway", "bedrock"] as const;
export type CountedService = (typeof COUNTED_SERVICES)[number];

export interface CallTally {
  calls: number;
  bytes: number;
}

/** service → operation (or `operation:detail`) → tally. */
export type CallCounts = Record<CountedService, Record<string, CallTally>>;

export function emptyCounts(): CallCounts {
  return Object.fromEntries(COUNTED_SERVICES.map((service) => [service, {}])) as CallCounts;
}

/** One traced moment: `performance.now()` of the stack's process, what happened, and its detail. */
export interface TraceEvent {
  atMs: number;
  service: CountedService;
  operation: string;
  detail?: string;
  /** For an invocation's end: the CPU milliseconds its environment spent on it. */
  cpuMs?: number;
}

/** The most events one trace keeps: a forgotten trace cannot grow without bound. */
export const MAX_TRACE_EVENTS = 100_000;

export class CallCounter {
  private counts = emptyCounts();
  private trace: TraceEvent[] | undefined;

  /** Benchmark only: from now on, counts and marks are also recorded with their time. */
  startTrace(): void {
    this.trace = [];
  }

  /** Ends the trace and returns its events in the order they happened. */
  stopTrace(): TraceEvent[] {
    const events = this.trace ?? [];
    this.trace = undefined;
    return events;
  }

  /** A moment of the critical path that is not a call (nothing is counted); recorded only while tracing. */
  mark(service: CountedService, operation: string, detail?: string, cpuMs?: number): void {
    if (this.trace && this.trace.length < MAX_TRACE_EVENTS) {
      this.trace.push({ atMs: performance.now(), service, operation, detail, ...(cpuMs === undefined ? {} : { cpuMs }) });
    }
  }

  /** One call; with `detail`, also counted under `operation:detail`. */
  count(service: CountedService, operation: string, o: { bytes?: number; detail?: string } = {}): void {
    this.mark(service, operation, o.detail);
    const bump = (key: string) => {
      const tally = (this.counts[service][key] ??= { calls: 0, bytes: 0 });
      tally.calls += 1;
      tally.bytes += o.bytes ?? 0;
    };
    bump(operation);
    if (o.detail !== undefined) bump(`${operation}:${o.detail}`);
  }

  /** A deep copy: later calls do not change it. */
  snapshot(): CallCounts {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = emptyCounts();
  }
}

/** Pure: what was counted between two snapshots (operations with no new calls left out). */
export function countsSince(after: CallCounts, before: CallCounts): CallCounts {
  const diff = emptyCounts();
  for (const service of COUNTED_SERVICES) {
    for (const [operation, tally] of Object.entries(after[service] ?? {})) {
      const earlier = before[service]?.[operation] ?? { calls: 0, bytes: 0 };
      const calls = tally.calls - earlier.calls;
      if (calls > 0) diff[service][operation] = { calls, bytes: tally.bytes - earlier.bytes };
    }
  }
  return diff;
}

/** Pure: the calls of one operation (0 when never counted). */
export function callsOf(counts: CallCounts, service: CountedService, operation: string): number {
  return counts[service]?.[operation]?.calls ?? 0;
}

/** Pure: all calls of a service, detail keys (`op:detail`) not double-counted. */
export function serviceCalls(counts: CallCounts, service: CountedService): number {
  return Object.entries(counts[service] ?? {})
    .filter(([operation]) => !operation.includes(":"))
    .reduce((sum, [, tally]) => sum + tally.calls, 0);
}
