/**
 * The functions' environment checks, one module for all four (authorizer, chat, action group,
 * offboarding), without zod: building zod/mini schemas at import costs far more CPU than their
 * bytes suggest (the chat function's environment schema and zod's own modules were about a
 * sixth of its import, docs/performance.md "Cold start"), and Lambda's init phase pays it on
 * every cold start. Messages name the variable and its problem, never its value (an ARN, an
 * endpoint or a secret-looking string would otherwise reach a log line). How a function
 * starts (`lazyStartup`) is in startup.ts.
 */
import { type Environment, type FunctionConfigError, normalisedEnvironment } from "./startup";

/** One variable's check: undefined when fine, else what is wrong (never the value). */
export type Check = (value: string | undefined) => string | undefined;

/** RFC 7230 token characters: what a WebSocket subprotocol name may contain. */
export const SUBPROTOCOL_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** DynamoDB table (and index) names: 3–255 of [a-zA-Z0-9_.-]. */
export const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Set (and, see normalisedEnvironment, not blank). */
export const required: Check = (value) => (value === undefined ? "is required" : undefined);

/** Anything, or unset. */
export const optional: Check = () => undefined;

/** Set, and matching `pattern` (else `problem`). */
export const matching =
  (pattern: RegExp, problem: string): Check =>
  (value) =>
    value === undefined ? "is required" : pattern.test(value) ? undefined : problem;

export const subprotocolName: Check = matching(SUBPROTOCOL_PATTERN, "must be a WebSocket subprotocol token");

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

export const httpUrl: Check = (value) => (value === undefined ? "is required" : isHttpUrl(value) ? undefined : "must be an http(s) URL");

/** Unset, empty and blank all mean "not set". */
export const optionalHttpUrl: Check = (value) => (value === undefined || isHttpUrl(value) ? undefined : "must be an http(s) URL");

/** Read by Powertools itself; listed so each function's checks cover its whole environment contract. */
export const powertoolsVariables = { POWERTOOLS_SERVICE_NAME: optional, POWERTOOLS_LOG_LEVEL: optional };

/**
 * `env`, normalised, every variable of `checks` checked; or one `ErrorClass` reading
 * `<label>: <VARIABLE> <problem>; …` (in the order of `checks`). The result types only the
 * variables the caller names as `Required` as set.
 */
export function checkEnvironment<Checks extends Record<string, Check>, Required extends keyof Checks>(
  checks: Checks,
  env: Environment,
  label: string,
  ErrorClass: new (message: string) => FunctionConfigError,
): Record<Required, string> & Partial<Record<keyof Checks, string>> {
  const values = normalisedEnvironment(env);
  const problems: string[] = [];
  for (const [name, check] of Object.entries(checks)) {
    const problem = check(values[name]);
    if (problem !== undefined) problems.push(`${name} ${problem}`);
  }
  if (problems.length > 0) throw new ErrorClass(`${label}: ${problems.join("; ")}`);
  return values as Record<Required, string> & Partial<Record<keyof Checks, string>>;
}
