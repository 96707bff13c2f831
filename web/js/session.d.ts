// Types for session.js.
import type { CognitoClient } from "./cognito.js";
export declare const SESSION_STORAGE_KEY: string;
export declare const REFRESH_MARGIN_MS: number;
export declare class SessionError extends Error {
  readonly code: "signed_out" | "expired" | "revoked" | "no_challenge";
}
export declare function refreshDelayMs(expiresAt: number, now: number, marginMs?: number): number;
export interface SessionUser {
  username: string;
  sub: string;
  tenantId?: string;
  expiresAt: number;
}
export type ChangeReason = "signed_in" | "restored" | "refreshed" | "expired" | "revoked" | "signed_out";
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
export interface SessionTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}
export interface Session {
  user(): SessionUser | null;
  needsNewPassword(): boolean;
  onChange(listener: (user: SessionUser | null, reason: ChangeReason) => void): () => void;
  restore(): boolean;
  signIn(username: string, password: string): Promise<"signed_in" | "new_password_required">;
  completeNewPassword(newPassword: string): Promise<"signed_in" | "new_password_required">;
  getIdToken(options?: { forceRefresh?: boolean }): Promise<string>;
  cancelNewPassword(): void;
  signOut(): void;
}
export declare function createSession(options: {
  cognito: Pick<CognitoClient, "signIn" | "completeNewPassword" | "refresh" | "revoke">;
  storage?: StorageLike | null;
  now?: () => number;
  timers?: SessionTimers;
  refreshMarginMs?: number;
}): Session;
