/**
 * The caller's identity, read ONLY from `requestContext.authorizer`: the context the
 * authorizer derived from the verified ID token on `$connect` (invariant 1). Pure.
 */
import { isSub, isTenantId } from "../shared/identifiers";

export interface Caller {
  userId: string;
  tenantId: string;
  /** Epoch seconds: the ID token's `exp`. */
  tokenExpiresAt: number;
}

/** API Gateway may hand context numbers over as strings; accept both, nothing else. */
function epochSeconds(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The verified caller, or undefined when the context is missing or malformed. */
export function callerFromAuthorizer(authorizer: unknown): Caller | undefined {
  if (typeof authorizer !== "object" || authorizer === null) return undefined;
  const ctx = authorizer as Record<string, unknown>;
  const tokenExpiresAt = epochSeconds(ctx.tokenExpiresAt);
  if (!isSub(ctx.userId) || !isTenantId(ctx.tenantId) || tokenExpiresAt === undefined) return undefined;
  return { userId: ctx.userId, tenantId: ctx.tenantId, tokenExpiresAt };
}

export function tokenExpired(caller: Caller, now: Date): boolean {
  return caller.tokenExpiresAt * 1000 <= now.getTime();
}
