/**
 * What kind of event the chat function received, by shape only: the entry (index.ts) picks
 * the route with these before it loads that route's code. No parsing and no zod here, so
 * the entry loads neither the answer request's schema (answer-request.ts) nor the
 * invocation record's (dropped-answer.ts) at start: each is parsed by its route's code,
 * loaded when that route first runs (cold start, docs/performance.md).
 */

/** An answer-step payload from the ask route (answer-request.ts parses it). */
export function isAnswerRequestLike(event: unknown): boolean {
  return typeof event === "object" && event !== null && (event as { kind?: unknown }).kind === "answer";
}

/** Lambda's record of a dropped answer step (dropped-answer.ts): no routeKey, a condition and a request payload. */
export function isInvocationRecordLike(event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  const e = event as { requestContext?: { condition?: unknown }; requestPayload?: unknown };
  return typeof e.requestContext?.condition === "string" && "requestPayload" in e;
}
