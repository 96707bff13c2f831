// Types for ids.js.
export declare const ID_PIECE_PATTERN: RegExp;
export declare const SUB_PATTERN: RegExp;
export declare class IdError extends Error {
  readonly code: "bad_id";
}
export type RandomBytes = (n: number) => Uint8Array;
export declare function randomId(randomBytes?: RandomBytes): string;
export declare function buildAnswerId(sub: string, id?: string): string;
export declare function newConversationId(randomBytes?: RandomBytes): string;
