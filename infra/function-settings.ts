/**
 * Each function's runtime settings, one definition for the Pulumi program and the local
 * Lambda stand-in (which enforces the same timeout), so a function that times out on
 * AWS times out locally too.
 */
import type { FunctionName } from "./naming";

export interface FunctionSettings {
  /** Lambda's `timeout`: an invocation still running after this is failed ("Task timed out"). */
  timeoutSeconds: number;
  memoryMb: number;
  /** `<file>.<export>` inside the bundle directory. */
  handler: string;
}

export const FUNCTION_SETTINGS: Readonly<Record<FunctionName, FunctionSettings>> = {
  // Runs on every $connect: a JWT check with cached keys.
  authorizer: { timeoutSeconds: 10, memoryMb: 256, handler: "index.handler" },
  // The async answer step streams a whole agent answer; the API's 29 s limit applies only to the ack.
  chat: { timeoutSeconds: 300, memoryMb: 512, handler: "index.handler" },
  // One tool call inside the agent's turn.
  "action-group": { timeoutSeconds: 30, memoryMb: 512, handler: "index.handler" },
  // One user's record and a handful of DeleteConnection calls (or one reconcile pass).
  offboarding: { timeoutSeconds: 60, memoryMb: 256, handler: "index.handler" },
};

/** The export a handler string names (`index.handler` → `handler`). */
export function handlerExport(handler: string): string {
  return handler.slice(handler.lastIndexOf(".") + 1);
}
