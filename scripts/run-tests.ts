/**
 * `npm test`: type check (TypeScript, and web/'s JSDoc), lint, build, then the unit,
 * integration (against a freshly booted local stack) and browser suites, each in its own
 * Jest run. Prints one closing line
 * `N passed, N failed, N skipped` summed from Jest's own JSON results.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { countTestCalls } from "./test-count";

const root = join(__dirname, "..");
const out = join(root, "test-output");
mkdirSync(out, { recursive: true });

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n== ${label}`);
  // The SDK's Node 20 end-of-support notice (7 lines per test file) buries the results.
  const childEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env };
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: childEnv });
  return result.status === 0;
}

interface JestSummary { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTotalTestSuites: number; numFailedTestSuites: number; numRuntimeErrorTestSuites: number }

const totals = { passed: 0, failed: 0, skipped: 0 };

/**
 * How many tests a Jest project holds, without running it: its test files (`jest
 * --listTests`) read for `test(`/`it(` calls, each `.each` table row counted once. A
 * static count (no global setup, no browser); never less than one per file.
 */
function countTests(project: string): number {
  const listed = spawnSync("npx", ["--no-install", "jest", "--selectProjects", project, "--listTests"], { cwd: root, encoding: "utf8" });
  const files = listed.stdout.split("\n").filter((line) => line.endsWith(".test.ts"));
  return files.reduce((sum, file) => sum + Math.max(1, countTestCalls(readFileSync(file, "utf8"))), 0);
}

let ok = true;

const npx = (args: string[]): [string, string[]] => ["npx", ["--no-install", ...args]];

if (!run("type check", ...npx(["tsc", "--noEmit", "-p", "."]))) { ok = false; totals.failed += 1; }
if (!run("type check (web/, JSDoc)", ...npx(["tsc", "--noEmit", "-p", "web"]))) { ok = false; totals.failed += 1; }
if (!run("lint", ...npx(["eslint", "--max-warnings", "0", "."]))) { ok = false; totals.failed += 1; }
if (!run("build", ...npx(["tsx", "scripts/build.ts"]))) { ok = false; totals.failed += 1; }

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const suites: { project: string; args: string[]; skip?: string }[] = [
  { project: "unit", args: [] },
  { project: "integration", args: ["--runInBand"] },
  { project: "e2e", args: ["--runInBand"], skip: existsSync(chromium) ? undefined : `Chromium not found at ${chromium}: browser tests SKIPPED (apt-get install chromium)` },
];

for (const suite of suites) {
  if (suite.skip) {
    // A suite that did not run is counted, test by test, as skipped: the closing line must
    // not read "0 skipped" when a whole suite was left out.
    const skipped = countTests(suite.project);
    totals.skipped += skipped;
    console.log(`\n== ${suite.project}: ${suite.skip} (${skipped} tests)`);
    continue;
  }
  const resultFile = join(out, `jest-${suite.project}.json`);
  const passed = run(`${suite.project} tests`, ...npx(["jest", "--selectProjects", suite.project, "--json", "--outputFile", resultFile, ...suite.args]));
  if (!passed) ok = false;
  if (existsSync(resultFile)) {
    const summary = JSON.parse(readFileSync(resultFile, "utf8")) as JestSummary;
    totals.passed += summary.numPassedTests;
    totals.failed += summary.numFailedTests + summary.numRuntimeErrorTestSuites;
    totals.skipped += summary.numPendingTests;
  } else if (!passed) {
    totals.failed += 1;
  }
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
