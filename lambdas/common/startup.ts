/**
 * How every function starts, and the error a bad environment raises: `lazyStartup` turns a
 * bad environment into one structured log line before the invocation fails. No zod here:
 * the authorizer checks its few variables by hand and loads these without it
 * (docs/performance.md, "Cold start"); environment-checks.ts has the checks' building blocks.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { errorSummary } from "./logger";

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * A function's environment is unusable: the invocation fails loudly instead of answering
 * wrongly. Each function's config.ts names its own subclass; all share the code. (Not the
 * stack configuration's error, infra/config.ts's ConfigError: that one reports a bad
 * Pulumi config file to an operator.)
 */
export class FunctionConfigError extends Error {
  readonly code = "bad_config";
}

/** Every value without its surrounding whitespace; a blank value counts as unset. */
export function normalisedEnvironment(env: Environment): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      const trimmed = value?.trim();
      return [name, trimmed === "" ? undefined : trimmed];
    }),
  );
}

// How every function starts: configuration and clients are built on the first invocation
// and reused by every later one, so that the logger already exists when the environment
// is bad. A bad configuration then becomes ONE structured error line, `<function> is
// misconfigured`, before the invocation fails. Built while the module loads, the same
// error would be an unstructured crash of the runtime's init phase.

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
