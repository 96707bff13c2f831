// Types for cognito.js.
export declare const COGNITO_CONTENT_TYPE: "application/x-amz-json-1.1";
export declare class CognitoError extends Error {
  constructor(code: string, message?: string, status?: number);
  readonly code: string;
  readonly status?: number;
}
export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
}
export type AuthOutcome = { kind: "tokens"; tokens: Tokens } | { kind: "new_password_required"; session: string };
export declare function errorTypeName(raw: unknown): string;
export declare function authOutcome(body: unknown): AuthOutcome;
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; credentials?: string; cache?: string }) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
  headers?: { get(name: string): string | null };
}>;
export interface CognitoClient {
  signIn(username: string, password: string): Promise<AuthOutcome>;
  completeNewPassword(username: string, newPassword: string, session: string): Promise<AuthOutcome>;
  refresh(refreshToken: string): Promise<AuthOutcome>;
  revoke(refreshToken: string): Promise<void>;
}
export declare function createCognitoClient(options: { endpoint: string; clientId: string; fetch?: FetchLike }): CognitoClient;
