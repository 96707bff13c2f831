/**
 * Identity from the claims of an already verified ID token: the only place tenant and
 * user identity enter the system (invariant 1). Pure, so every malformed claim is
 * tested without keys or network.
 */
import type { AuthorizerContext } from "../shared/authorizer-context";
import { SUB_PATTERN, TENANT_CLAIM, TENANT_ID_PATTERN } from "../shared/identifiers";
import { AuthorizationError } from "./errors";

type Claims = Readonly<Record<string, unknown>>;

export function tenantFromClaims(claims: Claims, allowed: ReadonlySet<string>): string {
  const tenantId = claims[TENANT_CLAIM];
  if (tenantId === undefined || tenantId === null || tenantId === "") throw new AuthorizationError("missing_tenant");
  if (typeof tenantId !== "string" || !TENANT_ID_PATTERN.test(tenantId)) throw new AuthorizationError("bad_tenant");
  if (!allowed.has(tenantId)) throw new AuthorizationError("unknown_tenant");
  return tenantId;
}

export function subFromClaims(claims: Claims): string {
  const sub = claims.sub;
  if (typeof sub !== "string" || !SUB_PATTERN.test(sub)) throw new AuthorizationError("bad_subject");
  return sub;
}

export function expiryFromClaims(claims: Claims): number {
  const exp = claims.exp;
  // aws-jwt-verify checks `exp` only when present; a token without one must not live forever.
  if (typeof exp !== "number" || !Number.isSafeInteger(exp) || exp <= 0) throw new AuthorizationError("missing_expiry");
  return exp;
}

/** The verified identity: what the authorizer's Allow passes on as its context. */
export function identityFromClaims(claims: Claims, allowedTenants: ReadonlySet<string>): AuthorizerContext {
  return {
    userId: subFromClaims(claims),
    tenantId: tenantFromClaims(claims, allowedTenants),
    tokenExpiresAt: expiryFromClaims(claims),
  };
}
