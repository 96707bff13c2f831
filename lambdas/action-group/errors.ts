/**
 * Why a tool call was refused. The agent receives the code (and a fixed message per code);
 * nothing about a refusal echoes request data, credentials or an SDK error message.
 */

export const TOOL_ERROR_CODES = [
  /** sessionAttributes are absent or do not match the SessionAttributes contract. */
  "missing_identity",
  /** The scoped credentials in sessionAttributes have expired. */
  "credentials_expired",
  /** DynamoDB refused the scoped credentials (wrong tenant/user, or not recognised). */
  "access_denied",
  /** A model-chosen parameter is malformed (e.g. an orderId outside [A-Za-z0-9-]{1,64}). */
  "bad_parameter",
  /** The invocation is not a Bedrock agent function event. */
  "bad_event",
  /** The tenant's configuration row is missing or malformed. */
  "tenant_not_configured",
  /** Anything else: a bug or an unavailable dependency. */
  "internal",
] as const;

export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

const MESSAGES: Record<ToolErrorCode, string> = {
  missing_identity: "The request carries no valid user context.",
  credentials_expired: "The user's access has expired; ask again.",
  access_denied: "Access to the requested data was denied.",
  bad_parameter: "A parameter is malformed.",
  bad_event: "The request is not a valid action group invocation.",
  tenant_not_configured: "The user's company is not configured.",
  internal: "The tool failed unexpectedly.",
};

export class ToolError extends Error {
  override readonly name = "ToolError";

  constructor(
    readonly code: ToolErrorCode,
    message: string = MESSAGES[code],
  ) {
    super(message);
  }
}

/** DynamoDB/STS error names meaning "these credentials may not do this": never retried with others. */
export const ACCESS_DENIED_ERROR_NAMES: ReadonlySet<string> = new Set([
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
]);

export const EXPIRED_CREDENTIALS_ERROR_NAMES: ReadonlySet<string> = new Set(["ExpiredTokenException"]);

export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return typeof name === "string" ? name : typeof error;
}

/** Maps an error from a tenant-data call to the ToolError the agent gets. */
export function toToolError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  const name = errorName(error);
  if (ACCESS_DENIED_ERROR_NAMES.has(name)) return new ToolError("access_denied");
  if (EXPIRED_CREDENTIALS_ERROR_NAMES.has(name)) return new ToolError("credentials_expired");
  return new ToolError("internal");
}
