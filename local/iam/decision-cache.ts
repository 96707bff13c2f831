/**
 * IAM decisions remembered per caller, so a stand-in under load evaluates each distinct
 * request once instead of once per call (the simulator was the largest single cost of the
 * stack process under load: docs/performance.md, "Throughput").
 *
 * Sound because a decision is a pure function of what the key holds:
 * - the caller's credential record: its policies and session tags are frozen when the
 *   registry issues it (a new session is a new record), so the cache hangs off the record
 *   itself (a WeakMap: an expired, swept record takes its decisions with it); its
 *   principal and role ARNs are in the key as well;
 * - the request: action, resource ARN and every request context key (e.g.
 *   `dynamodb:LeadingKeys`, `aws:RequestTag/*`), all in the key;
 * - nothing else: the stand-ins pass the simulator no time, address or other global key
 *   that could change between two identical requests (local/iam/policy-evaluation.ts).
 * Denials are cached like allows (a denied request stays denied). Expiry is not a
 * decision: the registry refuses an expired key before any evaluation.
 */
import type { CredentialRecord } from "./credentials";

export type CachedDecision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface DecisionRequest {
  action: string;
  resourceArn: string;
  context?: Record<string, string | string[]>;
}

/** Per caller: one entry per distinct request (e.g. one per connection for PostToConnection). */
export const MAX_DECISIONS_PER_CALLER = 2048;

/** Pure: the cache key of a request; context keys sorted, values kept in their order. */
export function decisionKey(caller: Pick<CredentialRecord, "principalArn" | "roleArn">, request: DecisionRequest): string {
  const context = request.context ?? {};
  const entries = Object.keys(context)
    .sort()
    .map((key) => [key, context[key]]);
  return JSON.stringify([caller.principalArn, caller.roleArn ?? null, request.action, request.resourceArn, entries]);
}

export class IamDecisionCache {
  private readonly byCaller = new WeakMap<CredentialRecord, Map<string, CachedDecision>>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxPerCaller: number = MAX_DECISIONS_PER_CALLER) {}

  async decide(
    caller: CredentialRecord,
    request: DecisionRequest,
    evaluate: (caller: CredentialRecord, request: DecisionRequest) => Promise<CachedDecision>,
  ): Promise<CachedDecision> {
    const key = decisionKey(caller, request);
    let decisions = this.byCaller.get(caller);
    const known = decisions?.get(key);
    if (known !== undefined) {
      this.hits += 1;
      return known;
    }
    this.misses += 1;
    const decision = await evaluate(caller, request);
    decisions ??= this.byCaller.get(caller);
    if (!decisions) {
      decisions = new Map();
      this.byCaller.set(caller, decisions);
    }
    // Oldest first out: a caller's working set (its connections, tables) is far smaller.
    if (decisions.size >= this.maxPerCaller) decisions.delete(decisions.keys().next().value as string);
    decisions.set(key, decision);
    return decision;
  }
}
