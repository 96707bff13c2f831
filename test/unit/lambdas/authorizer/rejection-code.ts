/**
 * Test helper: the stable code of the AuthorizationError a call throws, or undefined when
 * it does not throw. Any other error is rethrown, so a crash never passes as a rejection.
 */
import { AuthorizationError } from "../../../../lambdas/authorizer/errors";

export function rejectionCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AuthorizationError) return error.code;
    throw error;
  }
  return undefined;
}
