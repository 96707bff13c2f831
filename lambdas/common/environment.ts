/**
 * A function's environment and how it starts. The building blocks of the three functions'
 * environment schemas, the one way a bad environment is reported (messages name each
 * offending variable and what is wrong with it, never its value: an ARN, an endpoint or a
 * secret-looking string would otherwise reach a log line), and `lazyStartup`, which turns
 * a bad environment into one structured log line before the invocation fails.
 */
// No pipes or transforms in these schemas: each costs a bundle that uses it ~1 KB of zod code.
import type { Logger } from "@aws-lambda-powertools/logger";
import * as z from "zod/mini";
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

/** RFC 7230 token characters: what a WebSocket subprotocol name may contain. */
export const SUBPROTOCOL_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Set (and, see normalisedEnvironment, not blank). */
export const required = z.string({ error: "is required" });

// Pure: a bundle whose loader does not use one of these leaves it out.
export const subprotocolName = /* @__PURE__ */ required.check(
  /* @__PURE__ */ z.regex(SUBPROTOCOL_PATTERN, "must be a WebSocket subprotocol token"),
);

export const httpUrl = /* @__PURE__ */ z.url({
  protocol: /^https?$/,
  error: (issue) => (issue.input === undefined ? "is required" : "must be an http(s) URL"),
});

export const optionalHttpUrl = /* @__PURE__ */ z.optional(httpUrl);

/** Read by Powertools itself; listed so each schema covers its function's whole environment contract. */
export const powertoolsVariables = {
  POWERTOOLS_SERVICE_NAME: z.optional(z.string()),
  POWERTOOLS_LOG_LEVEL: z.optional(z.string()),
};

/** Every value without its surrounding whitespace; a blank value counts as unset. */
export function normalisedEnvironment(env: Environment): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      const trimmed = value?.trim();
      return [name, trimmed === "" ? undefined : trimmed];
    }),
  );
}

/**
 * `env`, normalised, parsed by `schema`; or an `ErrorClass` reading
 * `<label>: <VARIABLE> <problem>; …`. Only the issues' messages are used, never their
 * input: give every check a fixed message.
 */
export function parseEnvironment<Schema extends z.ZodMiniType>(
  schema: Schema,
  env: Environment,
  label: string,
  ErrorClass: new (message: string) => FunctionConfigError,
): z.infer<Schema> {
  const parsed = schema.safeParse(normalisedEnvironment(env));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
  throw new ErrorClass(`${label}: ${problems.join("; ")}`);
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
