/**
 * The temporary passwords the operator gave (AdminCreateUser, AdminSetUserPassword with
 * Permanent false), per pool and username, so the gate can check the one a user in
 * FORCE_CHANGE_PASSWORD presents: cognito-local skips that check. Only a SHA-256 digest is
 * kept and compared in constant time; the password itself never leaves the request. When
 * it was set is kept too: it expires after the pool's TemporaryPasswordValidityDays, which
 * cognito-local does not enforce either (I19).
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (password: string): Buffer => createHash("sha256").update(password, "utf8").digest();
const key = (userPoolId: string, username: string) => `${userPoolId}\u0000${username}`;

const DAY_MS = 24 * 60 * 60 * 1000;

export class TemporaryPasswords {
  private readonly digests = new Map<string, Buffer>();
  private readonly setAt = new Map<string, number>();

  /** `atMs`: when the operator set it (AdminCreateUser, AdminSetUserPassword). */
  remember(userPoolId: string, username: string, password: string, atMs: number): void {
    this.digests.set(key(userPoolId, username), digest(password));
    this.setAt.set(key(userPoolId, username), atMs);
  }

  forget(userPoolId: string, username: string): void {
    this.digests.delete(key(userPoolId, username));
    this.setAt.delete(key(userPoolId, username));
  }

  /**
   * True when the user's temporary password was set more than `validityDays` days before
   * `nowMs` (an unknown one counts as expired: fail closed).
   */
  expired(userPoolId: string, username: string, validityDays: number, nowMs: number): boolean {
    const at = this.setAt.get(key(userPoolId, username));
    return at === undefined || nowMs - at > validityDays * DAY_MS;
  }

  has(userPoolId: string, username: string): boolean {
    return this.digests.has(key(userPoolId, username));
  }

  /**
   * True only when a temporary password is known for the user and `presented` is it.
   * Unknown user or no password known: false (fail closed). Digests have a fixed length,
   * so the comparison takes the same time whatever was presented.
   */
  matches(userPoolId: string, username: string, presented: unknown): boolean {
    const known = this.digests.get(key(userPoolId, username));
    const candidate = digest(typeof presented === "string" ? presented : "");
    const equal = timingSafeEqual(known ?? Buffer.alloc(candidate.length), candidate);
    return known !== undefined && typeof presented === "string" && equal;
  }
}
