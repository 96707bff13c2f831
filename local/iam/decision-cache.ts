/**
 * IAM decisions remembered per caller, so a stand-in under load evaluates each distinct
 * request once instead of once per call (the simulator was the largest single cost of the
 * stack process under load: docs/performance.md, "Throughput").
 *
 * Sound because a decision is a pure function of what the key holds:
 * - the caller: its principal and role ARNs, its policies and its session tags, all in the
 *   key (as a hash of their content, computed once per credential record: a record's
 *   policies and tags are frozen when the registry issues it). Keyed by content, not by
 *   record, so the sessions that several execution environments mint for the same user
 *   (same role, same tags) share their decisions;
 * - the request: action, resource ARN and every request context key (e.g.
 *   `dynamodb:LeadingKeys`, `aws:RequestTag/*`), all in the key;
 * - nothing else: the stand-ins pass the simulator no time, address or other global key
 *   that could change between two identical requests (local/iam/policy-evaluation.ts).
 * Denials are cached like allows (a denied request stays denied). Expiry is not a
 * decision: the registry refuses an expired key before any evaluation.
 */
import { createHash } from "node:crypto";
import type { CredentialRecord } from "./credentials";

export type CachedDecision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface DecisionRequest {
  action: string;
  resourceArn: string;
  context?: Record<string, string | string[]>;
}

/** One entry per distinct caller and request (e.g. one per connection for PostToConnection). */
export const MAX_DECISIONS = 50_000;

/** What a caller's permissions are made of, hashed once per (frozen) record. */
const callerKeys = new WeakMap<CredentialRecord, string>();

export function callerKey(caller: Pick<CredentialRecord, "principalArn" | "roleArn" | "policies" | "sessionTags">): string {
  const known = callerKeys.get(caller as CredentialRecord);
  if (known !== undefined) return known;
  const tags = Object.keys(caller.sessionTags)
    .sort()
    .map((key) => [key, caller.sessionTags[key]]);
  const key = createHash("sha256")
    .update(JSON.stringify([caller.principalArn, caller.roleArn ?? null, caller.policies, tags]))
    .digest("base64");
  callerKeys.set(caller as CredentialRecord, key);
  return key;
}

/** Pure: the cache key of a request; context keys sorted, values kept in their order. */
export function decisionKey(caller: Pick<CredentialRecord, "principalArn" | "roleArn" | "policies" | "sessionTags">, request: DecisionRequest): string {
  const context = request.context ?? {};
  const entries = Object.keys(context)
    .sort()
    .map((key) => [key, context[key]]);
  return JSON.stringify([callerKey(caller), request.action, request.resourceArn, entries]);
}

export class IamDecisionCache {
  private readonly decisions = new Map<string, CachedDecision>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number = MAX_DECISIONS) {}

  async decide(
    caller: CredentialRecord,
    request: DecisionRequest,
    evaluate: (caller: CredentialRecord, request: DecisionRequest) => Promise<CachedDecision>,
  ): Promise<CachedDecision> {
    const key = decisionKey(caller, request);
    const known = this.decisions.get(key);
    if (known !== undefined) {
      this.hits += 1;
      return known;
    }
    this.misses += 1;
    const decision = await evaluate(caller, request);
    // Oldest first out: the working set (callers × their tables and connections) is far smaller.
    if (this.decisions.size >= this.maxEntries) this.decisions.delete(this.decisions.keys().next().value as string);
    this.decisions.set(key, decision);
    return decision;
  }
}
