/**
 * The identity the `$connect` authorizer returns as its policy context, which API Gateway
 * then hands the chat function as `requestContext.authorizer` on every route of that
 * connection: the only place caller identity comes from (I1). One definition for
 * the producer and the reader, so the authorizer can never emit a context the chat
 * function would refuse. Pure.
 */
import { isSub, isTenantId } from "./identifiers";

export interface AuthorizerContext {
  /** The Cognito `sub`. */
  userId: string;
  tenantId: string;
  /**
   * Epoch seconds: the ID token's `exp`. API Gateway context values must be string, number
   * or boolean, and API Gateway may deliver a number as its string form.
   */
  tokenExpiresAt: number;
  /**
   * Epoch seconds: the ID token's `iat`, compared with the user's offboarding record
   * (I17). Optional only for contexts from before it existed; a check without it fails closed.
   */
  tokenIssuedAt?: number;
}

/** A whole, positive epoch-seconds value, given as a number or as its decimal string. */
function epochSeconds(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * The context as the chat function receives it, or undefined when it is missing or
 * malformed. Only these fields are kept (API Gateway adds e.g. `principalId`).
 */
export function parseAuthorizerContext(value: unknown): AuthorizerContext | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const ctx = value as Record<string, unknown>;
  const tokenExpiresAt = epochSeconds(ctx.tokenExpiresAt);
  if (!isSub(ctx.userId) || !isTenantId(ctx.tenantId) || tokenExpiresAt === undefined) return undefined;
  const tokenIssuedAt = epochSeconds(ctx.tokenIssuedAt);
  if (ctx.tokenIssuedAt !== undefined && tokenIssuedAt === undefined) return undefined;
  return { userId: ctx.userId, tenantId: ctx.tenantId, tokenExpiresAt, ...(tokenIssuedAt !== undefined ? { tokenIssuedAt } : {}) };
}

/**
 * The context the authorizer returns for a verified identity: exactly these fields, as
 * primitives. Throws (a bug, never the caller's fault: the claims were checked before)
 * rather than let an Allow carry a context the chat function would refuse.
 */
export function buildAuthorizerContext(identity: AuthorizerContext): AuthorizerContext {
  const context = parseAuthorizerContext(identity);
  if (!context) throw new TypeError("authorizer context: userId, tenantId or tokenExpiresAt is malformed");
  return context;
}

/**
 * The token's expiry second itself already counts as expired. Given the connection's
 * context, or `{ tokenExpiresAt }` of a later token a renewal proved (connections.ts `servedUntil`).
 */
export function tokenExpired(context: Pick<AuthorizerContext, "tokenExpiresAt">, now: Date): boolean {
  return context.tokenExpiresAt * 1000 <= now.getTime();
}
