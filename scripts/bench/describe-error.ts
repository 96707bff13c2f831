/**
 * How a benchmark reports its failure: the error's name AND message (a ChatConfigError
 * alone does not say which variable is wrong). Never the stack: a bench line is read by people.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  return String(error);
}
