/**
 * A local stand-in for the default EventBridge bus, only as far as the stack uses it: the
 * user pool's CloudTrail management events, put by the Cognito gate, are matched against
 * the Pulumi program's rule pattern (infra/offboarding-rule.ts) and delivered to the
 * rule's target asynchronously, as EventBridge does. Matching covers the pattern forms
 * the program uses: nested objects and arrays of exact string values.
 */
export type EventPattern = Record<string, unknown>;

/** Pure: whether `event` matches `pattern` (every pattern key present; a leaf array lists the allowed values). */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (event === null || typeof event !== "object" || Array.isArray(event)) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = record[key];
    if (Array.isArray(expected)) return expected.some((value) => value === actual);
    if (expected !== null && typeof expected === "object") return matchesPattern(expected as EventPattern, actual);
    return false;
  });
}

export interface EventRuleTarget {
  name: string;
  pattern: EventPattern;
  /** Asynchronous delivery: failures are reported, never thrown at the publisher. */
  deliver(event: unknown): Promise<void>;
}

export class LocalEventBus {
  private readonly rules: EventRuleTarget[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onDeliveryFailure: (rule: string, error: unknown) => void = () => undefined) {}

  addRule(rule: EventRuleTarget): void {
    this.rules.push(rule);
  }

  /** PutEvents: every matching rule's target is invoked, without waiting. */
  put(event: unknown): void {
    for (const rule of this.rules) {
      if (!matchesPattern(rule.pattern, event)) continue;
      const delivery = rule
        .deliver(event)
        .catch((error: unknown) => this.onDeliveryFailure(rule.name, error))
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  /** Resolves once every delivery started so far has finished (for an orderly stop). */
  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
