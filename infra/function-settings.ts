/**
 * Each function's runtime settings, one definition for the Pulumi program and the local
 * Lambda stand-in (which enforces the same timeout and asynchronous-invoke settings), so a
 * function that times out, or an event that waits too long, behaves the same on both.
 */
import type { FunctionName } from "./naming";

/**
 * Lambda's settings for asynchronous (`Event`) invokes of a function (its event invoke
 * config). Without one Lambda retries a failed event twice and keeps a throttled one
 * queued for up to six hours (Lambda developer guide, asynchronous invocation; checked
 * 2026-12-02).
 */
export interface AsyncInvokeSettings {
  /** 60–21600: an event still queued after this is not run but sent to `onFailure`. */
  maximumEventAgeSeconds: number;
  /** 0–2: retries after a function error (a timeout or crash counts). */
  maximumRetryAttempts: number;
  /** Where the invocation record of a dropped event goes: the function itself. */
  onFailure: "self";
}

export interface FunctionSettings {
  /** Lambda's `timeout`: an invocation still running after this is failed ("Task timed out"). */
  timeoutSeconds: number;
  memoryMb: number;
  /** `<file>.<export>` inside the bundle directory. */
  handler: string;
  asyncInvoke?: AsyncInvokeSettings;
}

export const FUNCTION_SETTINGS: Readonly<Record<FunctionName, FunctionSettings>> = {
  // Runs on every $connect: a JWT check with cached keys.
  authorizer: { timeoutSeconds: 10, memoryMb: 256, handler: "index.handler" },
  // The async answer step streams a whole agent answer; the API's 29 s limit applies only to the ack.
  chat: {
    timeoutSeconds: 300,
    memoryMb: 512,
    handler: "index.handler",
    // The answer step: an answer that has not started within two minutes (throttled) is
    // not worth a model call any more, and a retry after a timeout would answer twice.
    // Either way the record comes back to the chat function, which tells the asker
    // (lambdas/chat/dropped-answer.ts, I9).
    asyncInvoke: { maximumEventAgeSeconds: 120, maximumRetryAttempts: 0, onFailure: "self" },
  },
  // One tool call inside the agent's turn.
  "action-group": { timeoutSeconds: 30, memoryMb: 512, handler: "index.handler" },
  // One user's record and a handful of DeleteConnection calls (or one reconcile pass).
  offboarding: { timeoutSeconds: 60, memoryMb: 256, handler: "index.handler" },
};

/** The export a handler string names (`index.handler` → `handler`). */
export function handlerExport(handler: string): string {
  return handler.slice(handler.lastIndexOf(".") + 1);
}
