/**
 * How many tests a test file declares, read from its source without running it: what
 * `npm test` (scripts/run-tests.ts) counts as skipped when a whole suite cannot run (the
 * browser suite without Chromium). `test(`/`it(` calls at the start of a line, with any
 * modifier (`.each`, `.only`, `.skip`); an `.each` table counts as one test.
 */
const TEST_CALL = /^\s*(?:test|it)(?:\.\w+)?\s*[(`]/gm;

/** Pure: the test calls in one test file's source. */
export function countTestCalls(source: string): number {
  return (source.match(TEST_CALL) ?? []).length;
}
