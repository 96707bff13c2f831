/**
 * What cognito-local does not keep and AWS enforces about a user's sessions (pure: the
 * gate feeds it what it sees, the clock is given):
 *
 * - disabled users (AdminDisableUser / AdminEnableUser): no sign-in, no refresh, and
 *   their access tokens are refused ("User is disabled.");
 * - global sign-out (GlobalSignOut, AdminUserGlobalSignOut, and AdminDisableUser, which
 *   on AWS also revokes the user's tokens): every refresh and access token issued at or
 *   before that second is refused;
 * - RevokeToken: the refresh token AND every access token issued from it are refused
 *   (cognito-local forgets only the refresh token);
 * - every refresh token the gate hands out, with whom it belongs to, so refresh can be
 *   refused before cognito-local is asked.
 *
 * Keys are `<poolId>/<username>` as cognito-local spells the username.
 */
export const SESSION_MESSAGES = {
  userDisabled: "User is disabled.",
  refreshRevoked: "Refresh Token has been revoked",
  invalidRefresh: "Invalid Refresh Token",
  accessRevoked: "Access Token has been revoked",
} as const;

interface RefreshTokenFacts {
  poolId: string;
  username: string;
  issuedAt: number;
  revoked: boolean;
}

export interface TokenClaims {
  username?: string;
  sub?: string;
  iat?: number;
  jti?: string;
}

const key = (poolId: string, username: string) => `${poolId}/${username}`;

/** The claims of a JWT's payload, not verified (the gate issued or re-signed it itself). */
export function unverifiedClaims(token: unknown): TokenClaims {
  if (typeof token !== "string") return {};
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    return {
      username: str(claims.username) ?? str(claims["cognito:username"]),
      sub: str(claims.sub),
      iat: typeof claims.iat === "number" ? claims.iat : undefined,
      jti: str(claims.jti),
    };
  } catch {
    return {};
  }
}

export class UserSessions {
  private readonly disabled = new Set<string>();
  private readonly signedOutAt = new Map<string, number>();
  private readonly refreshTokens = new Map<string, RefreshTokenFacts>();
  /** Access-token jti → the refresh token it was issued from. */
  private readonly accessOrigin = new Map<string, string>();
  /** username → sub, learned from the tokens issued (for the management events). */
  private readonly subs = new Map<string, string>();

  disable(poolId: string, username: string, nowSeconds: number): void {
    this.disabled.add(key(poolId, username));
    this.signOut(poolId, username, nowSeconds);
  }

  enable(poolId: string, username: string): void {
    this.disabled.delete(key(poolId, username));
  }

  isDisabled(poolId: string, username: string): boolean {
    return this.disabled.has(key(poolId, username));
  }

  signOut(poolId: string, username: string, nowSeconds: number): void {
    this.signedOutAt.set(key(poolId, username), nowSeconds);
  }

  /** A deleted user: nothing of theirs is honoured again (a new user of that name signs in afresh). */
  forget(poolId: string, username: string, nowSeconds: number): void {
    this.disabled.delete(key(poolId, username));
    this.signOut(poolId, username, nowSeconds);
  }

  subOf(poolId: string, username: string): string | undefined {
    return this.subs.get(key(poolId, username));
  }

  /**
   * An AuthenticationResult the gate is about to hand out: its refresh token (if any) and
   * its access token's origin. `presentedRefresh` is the token a REFRESH_TOKEN_AUTH used.
   */
  learnIssued(poolId: string, result: { AccessToken?: unknown; IdToken?: unknown; RefreshToken?: unknown }, presentedRefresh?: string): void {
    const access = unverifiedClaims(result.AccessToken);
    const id = unverifiedClaims(result.IdToken);
    const username = access.username ?? id.username;
    if (!username) return;
    const sub = access.sub ?? id.sub;
    if (sub) this.subs.set(key(poolId, username), sub);
    const issuedAt = access.iat ?? id.iat ?? 0;
    const refresh = typeof result.RefreshToken === "string" ? result.RefreshToken : presentedRefresh;
    if (typeof result.RefreshToken === "string") {
      this.refreshTokens.set(result.RefreshToken, { poolId, username, issuedAt, revoked: false });
    }
    if (refresh && access.jti) this.accessOrigin.set(access.jti, refresh);
  }

  /** Why a refresh token may not be used, or undefined when it may (unknown tokens are cognito-local's to refuse). */
  refreshRefusal(token: unknown): string | undefined {
    if (typeof token !== "string") return undefined;
    const facts = this.refreshTokens.get(token);
    if (!facts) return undefined;
    if (facts.revoked) return SESSION_MESSAGES.refreshRevoked;
    if (this.isDisabled(facts.poolId, facts.username)) return SESSION_MESSAGES.userDisabled;
    const signedOut = this.signedOutAt.get(key(facts.poolId, facts.username));
    if (signedOut !== undefined && facts.issuedAt <= signedOut) return SESSION_MESSAGES.refreshRevoked;
    return undefined;
  }

  /** The user a refresh token was issued to. */
  refreshOwner(token: unknown): { poolId: string; username: string } | undefined {
    const facts = typeof token === "string" ? this.refreshTokens.get(token) : undefined;
    return facts && { poolId: facts.poolId, username: facts.username };
  }

  revokeRefresh(token: unknown): void {
    const facts = typeof token === "string" ? this.refreshTokens.get(token) : undefined;
    if (facts) facts.revoked = true;
  }

  /** Why an authentic, unexpired access token is refused, or undefined when it is honoured. */
  accessRefusal(poolId: string, token: unknown): string | undefined {
    const claims = unverifiedClaims(token);
    if (!claims.username) return undefined;
    if (this.isDisabled(poolId, claims.username)) return SESSION_MESSAGES.userDisabled;
    const signedOut = this.signedOutAt.get(key(poolId, claims.username));
    if (signedOut !== undefined && (claims.iat ?? 0) <= signedOut) return SESSION_MESSAGES.accessRevoked;
    const origin = claims.jti ? this.accessOrigin.get(claims.jti) : undefined;
    if (origin && this.refreshTokens.get(origin)?.revoked) return SESSION_MESSAGES.accessRevoked;
    return undefined;
  }
}
