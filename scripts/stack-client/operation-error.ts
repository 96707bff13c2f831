/**
 * A stack call that failed inside a test helper, named for the reader: which operation,
 * for which user, and the service's own error name and message, with every password the
 * helper knew and anything shaped like a JWT removed. A raw `NotAuthorizedException:
 * Incorrect username or password.` says neither who nor what.
 */
export class StackOperationError extends Error {
  readonly code = "stack_operation_failed";
  constructor(
    readonly operation: string,
    readonly username: string | undefined,
    /** The SDK error's name, e.g. NotAuthorizedException. */
    readonly causeName: string,
    detail: string,
    hint?: string,
  ) {
    super(`${operation}${username === undefined ? "" : ` for user "${username}"`} failed: ${causeName}: ${detail}${hint ? ` (${hint})` : ""}`);
    this.name = "StackOperationError";
  }
}

const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Pure: the error's name and message with `secrets` and JWT-shaped text redacted. */
export function redactedCause(error: unknown, secrets: readonly string[] = []): { name: string; detail: string } {
  const name = error instanceof Error ? error.name : "non-Error thrown";
  let detail = error instanceof Error ? error.message : String(error);
  for (const secret of secrets) if (secret) detail = detail.split(secret).join("[redacted]");
  return { name, detail: detail.replace(JWT_SHAPE, "[jwt]").slice(0, 500) };
}

/** Runs `work`; a failure becomes a StackOperationError (an existing one passes through). */
export async function stackOperation<T>(
  operation: string,
  username: string | undefined,
  work: () => Promise<T>,
  secrets: readonly string[] = [],
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StackOperationError) throw error;
    const { name, detail } = redactedCause(error, secrets);
    throw new StackOperationError(operation, username, name, detail);
  }
}
