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

/** Name and code of an error without its message (which may echo request data). */
export function errorSummary(error: unknown): { errorName: string; errorCode?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? { errorName: error.name, errorCode: code } : { errorName: error.name };
  }
  return { errorName: typeof error };
}
