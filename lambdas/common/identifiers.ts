/**
 * Identifier formats shared by every boundary: authorizer claims, WebSocket messages,
 * table names and Bedrock session ids. One module so that a format cannot drift
 * between the code that produces an id and the code that checks it.
 */

/**
 * The ID-token claim that carries a user's tenant: Cognito's immutable custom attribute
 * `tenantId`, which Cognito names with the `custom:` prefix in tokens and user attributes.
 */
export const TENANT_CLAIM = "custom:tenantId";

/** Tenant ids become part of DynamoDB table names and IAM resource ARNs. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** Cognito `sub` values are UUIDs (AWS and cognito-local alike). */
export const SUB_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A client-chosen id piece (the random part of an answerId, a conversationId). */
export const ID_PIECE_PATTERN = /^[A-Za-z0-9-]{1,48}$/;

/** answerId = `<sub>.<random id>`: the prefix lets the server check ownership without state. */
export const ANSWER_ID_PATTERN = /^([0-9a-fA-F-]{36})\.([A-Za-z0-9-]{1,48})$/;

export function isTenantId(value: unknown): value is string {
  return typeof value === "string" && TENANT_ID_PATTERN.test(value);
}

export function isSub(value: unknown): value is string {
  return typeof value === "string" && SUB_PATTERN.test(value);
}

/** The sub an answerId claims to belong to, or undefined when the id is malformed. */
export function answerIdOwner(answerId: string): string | undefined {
  const match = ANSWER_ID_PATTERN.exec(answerId);
  return match && SUB_PATTERN.test(match[1]) ? match[1] : undefined;
}

/**
 * Bedrock sessionId, derived on the server from the verified sub and a validated
 * conversation id, so no client can name another user's agent memory.
 * Bedrock allows 2–100 chars of [0-9a-zA-Z._:-]: 36 + 1 + 48 = 85.
 */
export function agentSessionId(sub: string, conversationId: string): string {
  if (!isSub(sub)) throw new TypeError("agentSessionId: sub is not a Cognito sub");
  if (!ID_PIECE_PATTERN.test(conversationId)) throw new TypeError("agentSessionId: bad conversationId");
  return `${sub}.${conversationId}`;
}

/** STS RoleSessionName from the sub, so CloudTrail names the user (2–64 chars of [\w+=,.@-]). */
export function roleSessionName(sub: string): string {
  if (!isSub(sub)) throw new TypeError("roleSessionName: sub is not a Cognito sub");
  return `user-${sub}`;
}
