// Types for chat.js.
import type { Answer } from "./answers.js";
import type { StorageLike } from "./session.js";
export declare const PROMPT_MAX_CHARS: number;
export type NotSentReason = "empty" | "too_long" | "signed_out" | "bad_identity" | "not_connected";
export declare function checkPrompt(raw: unknown): { ok: true; prompt: string } | { ok: false; reason: "empty" | "too_long" };
export interface ChatView {
  addQuestion(text: string): void;
  addAnswer(answer: Answer): void;
  updateAnswer(answer: Answer, errorMessage?: string): void;
  notice(text: string): void;
  clear(): void;
}
export interface Chat {
  readonly conversationId: string;
  ask(raw: string): { ok: true; answerId: string } | { ok: false; reason: NotSentReason };
  handleFrame(data: unknown): void;
  connectionLost(): void;
  busy(): boolean;
  newConversation(): void;
  resume(): boolean;
  forget(): void;
}
export declare function createChat(options: {
  send(message: unknown): boolean;
  getUser(): { sub: string } | null;
  view: ChatView;
  onTokenExpired?: () => void;
  newId?: () => string;
  newConversation?: () => string;
  storage?: StorageLike | null;
}): Chat;
