/**
 * Counts every call the local stand-ins serve, by service and operation (with an optional
 * detail, e.g. the table or the event type), and the bytes where they cost money
 * (PostToConnection). Cheap: one Map update per call. Read in-process by the benchmarks
 * (`LocalStack.calls`) and over the authenticated control server (`GET /calls`) by the
 * integration suite; counts are deterministic for a given answer, so tests may assert them.
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

export class CallCounter {
  private counts = emptyCounts();

  /** One call; with `detail`, also counted under `operation:detail`. */
  count(service: CountedService, operation: string, o: { bytes?: number; detail?: string } = {}): void {
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
