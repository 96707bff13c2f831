/**
 * Structured logging (Powertools Logger) for every function. I8: logs never
 * carry a JWT, an access key, a secret key or a session token. Handlers simply never log
 * them; the replacer below is defence in depth for whatever slips through (an SDK error
 * message, a nested object), redacting by key name and by value shape.
 */
import { Logger } from "@aws-lambda-powertools/logger";

const SECRET_KEYS = new Set(
  [
    "secretaccesskey",
    "sessiontoken",
    "accesskeyid",
    "authorization",
    "sec-websocket-protocol",
    "token",
    "idtoken",
    "accesstoken",
    "refreshtoken",
    "password",
    "x-amz-security-token",
  ].map((k) => k.toLowerCase()),
);

/** JWTs (three base64url parts starting with `eyJ`) and AWS access key ids. */
const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /\b(?:AKIA|ASIA|LKIA|LSIA)[A-Z0-9]{12,}\b/g,
];

export const REDACTED = "[redacted]";

export function redactString(value: string): string {
  return SECRET_VALUE_PATTERNS.reduce((text, pattern) => text.replace(pattern, REDACTED), value);
}

/** JSON replacer: drops secret-named keys and secret-shaped values anywhere in a log item. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== "" && SECRET_KEYS.has(key.toLowerCase()) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === "string") return redactString(value);
  return value;
}

export function createLogger(serviceName?: string): Logger {
  return new Logger({
    serviceName: serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? "multi-tenant-assistant",
    logLevel: (process.env.POWERTOOLS_LOG_LEVEL as "INFO" | undefined) ?? "INFO",
    jsonReplacerFn: redactingReplacer,
  });
}

/** Fields of one log line, beside its message. */
export type LogFields = Record<string, unknown>;

/**
 * One invocation's view of its environment's logger: what a handler logs through. The
 * environment builds one Powertools logger and keeps it (a child logger per invocation
 * builds a new Logger, which reads the environment again: about a millisecond of CPU per
 * invocation, docs/performance.md §Own time); each invocation wraps it with its own keys,
 * added to every line it writes. The keys live in this object, never on the shared logger,
 * so no key of one invocation can reach another's lines, not even from a callback that
 * runs after its invocation ended (a stop check answering late).
 */
export interface InvocationLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Keys for this invocation's later lines (never the shared logger's). */
  appendKeys(keys: LogFields): void;
}

export function invocationLogger(logger: Logger, keys: LogFields = {}): InvocationLogger {
  let own: LogFields = { ...keys };
  return {
    debug: (message, fields) => logger.debug(message, { ...own, ...fields }),
    info: (message, fields) => logger.info(message, { ...own, ...fields }),
    warn: (message, fields) => logger.warn(message, { ...own, ...fields }),
    error: (message, fields) => logger.error(message, { ...own, ...fields }),
    appendKeys(more) {
      own = { ...own, ...more };
    },
  };
}

/** Name and code of an error without its message (which may echo request data). */
export function errorSummary(error: unknown): { errorName: string; errorCode?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? { errorName: error.name, errorCode: code } : { errorName: error.name };
  }
  return { errorName: typeof error };
}
