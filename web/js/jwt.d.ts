// Types for jwt.js (the page runs the .js file as is; these serve the TypeScript tests).
export declare class TokenFormatError extends Error {
  readonly code: "bad_token";
}
export declare function decodeJwtPayload(token: unknown): Record<string, unknown>;
export interface Identity {
  sub: string;
  username: string;
  email?: string;
  tenantId?: string;
  /** epoch milliseconds */
  expiresAt: number;
}
export declare function identityFromIdToken(idToken: string): Identity;
