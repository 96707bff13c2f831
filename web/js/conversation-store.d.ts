// Types for conversation-store.js.
import type { Answer } from "./answers.js";
import type { StorageLike } from "./session.js";
export interface StoredTurn {
  question: string;
  answerId: string;
  text: string;
  phase: "done" | "error";
  error?: { code: string; message: string };
}
export interface StoredConversation {
  conversationId: string;
  turns: StoredTurn[];
}
export declare const CONVERSATION_STORAGE_KEY: string;
export declare const MAX_STORED_TURNS: number;
export declare const MAX_STORED_CHARS: number;
export declare function storedTurn(question: string, answer: Answer): StoredTurn;
export declare function boundTurns(turns: readonly StoredTurn[], maxTurns?: number, maxChars?: number): StoredTurn[];
export declare function parseConversationRecord(text: unknown, sub: unknown): StoredConversation | null;
export interface ConversationStore {
  load(sub: string): StoredConversation | null;
  save(sub: string, conversationId: string, turns: readonly StoredTurn[]): void;
  clear(): void;
}
export declare function createConversationStore(storage: StorageLike | null | undefined): ConversationStore;
