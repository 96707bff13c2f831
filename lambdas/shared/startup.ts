/**
 * How every function starts: configuration and clients are built on the first invocation
 * and reused by every later one, so that the logger already exists when the environment
 * is bad. A bad configuration then becomes ONE structured error line, `<function> is
 * misconfigured`, before the invocation fails. Built while the module loads, the same
 * error would be an unstructured crash of the runtime's init phase.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { FunctionConfigError } from "./environment";
import { errorSummary } from "./logger";

/**
 * What is logged about a start-up failure. A configuration error's message names the
 * offending variables and never their values, so it is logged; any other error's message
 * could quote anything, so only its name and code are.
 */
export function startupFailure(error: unknown): { errorName: string; errorCode?: string; detail?: string } {
  return error instanceof FunctionConfigError ? { ...errorSummary(error), detail: error.message } : errorSummary(error);
}

/**
 * `build`, run once on the first call and remembered. A failure is logged and rethrown,
 * and the next call tries again (nothing half-built is kept).
 */
export function lazyStartup<T>(functionName: string, logger: Pick<Logger, "error">, build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    try {
      return (built ??= { value: build() }).value;
    } catch (error) {
      logger.error(`${functionName} is misconfigured`, startupFailure(error));
      throw error;
    }
  };
}
