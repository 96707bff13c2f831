/**
 * `npm run bench`: the benchmarks in turn (AWS calls, cost and own time per answer, cold
 * start, the throughput curve and isolation overhead, authorizer verify time, STS calls per
 * user, one tenant's latency under another's flood), in a few minutes on a quiet 2-core machine.
 * Figures go to bench/results/latest.json (docs/performance.md). Numbers, not pass/fail:
 * tests don't time things. `--only <name>[,<name>]` runs some of them (`--only cold-start`):
 * each merges only its own keys into latest.json, so the others' figures stay. `--no-write`
 * is passed to each: they print their figures and write nothing (bench-args.ts).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { benchArgs } from "./bench-args";

// ask-latency.ts traces where the own time of answer-costs.ts (ownTimeMs) goes (ownTimePath).
export const BENCHMARKS = ["answer-costs.ts", "ask-latency.ts", "cold-start.ts", "load.ts", "authorizer-verify.ts", "sts-calls.ts", "noisy-neighbour.ts"];

/** Pure: the benchmark files `--only a,b` selects (all without it), or an error naming the unknown ones. */
export function selectBenchmarks(args: readonly string[]): string[] {
  const at = args.indexOf("--only");
  if (at < 0) return BENCHMARKS;
  const wanted = (args[at + 1] ?? "").split(",").filter(Boolean).map((name) => `${name.replace(/\.ts$/, "")}.ts`);
  const unknown = wanted.filter((file) => !BENCHMARKS.includes(file));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes benchmark names separated by commas, of: ${BENCHMARKS.map((file) => file.replace(/\.ts$/, "")).join(", ")}`);
  }
  return wanted;
}

function main(): void {
  const args = benchArgs("bench", { "--only": "name,…" });
  let files: string[];
  try {
    files = selectBenchmarks(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  let failed = 0;
  for (const file of files) {
    console.log(`\n== ${file}`);
    const result = spawnSync("npx", ["--no-install", "tsx", join(__dirname, file), ...(args.write ? [] : ["--no-write"])], {
      stdio: "inherit",
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    if (result.status !== 0) failed += 1;
  }
  process.exit(failed === 0 ? 0 : 1);
}

if (require.main === module) main();
