// Types for composer.js.
export declare const NEAR_LIMIT_SHARE: number;
export interface PromptCounter {
  length: number;
  state: "ok" | "near" | "over";
  text: string;
  live: "off" | "polite";
}
export declare function promptCounter(raw: unknown, max?: number): PromptCounter;
export declare function tooLongMessage(raw: unknown, max?: number): string;
