// Types for answers.js.
import type { ServerEvent } from "./events.js";
export type AnswerPhase = "sending" | "working" | "streaming" | "done" | "error";
export interface Answer {
  answerId: string;
  phase: AnswerPhase;
  statuses: string[];
  text: string;
  error?: { code: string; message: string };
}
export declare const TERMINAL_PHASES: readonly AnswerPhase[];
export declare const CONNECTION_LOST: "connection_lost";
export declare function createAnswer(answerId: string): Answer;
export declare function isTerminal(answer: Answer): boolean;
export declare function applyEvent(answer: Answer, event: ServerEvent): Answer;
export type Route =
  | { kind: "answer"; answer: Answer }
  | { kind: "notice"; code: string; message: string }
  | { kind: "pong" }
  | { kind: "ignore" };
export declare function routeEvent(answers: ReadonlyMap<string, Answer>, event: ServerEvent): Route;
export declare function failUnfinished(answers: ReadonlyMap<string, Answer>): Answer[];
export declare function unfinishedCount(answers: ReadonlyMap<string, Answer>): number;
