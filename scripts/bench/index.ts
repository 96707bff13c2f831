/**
 * `npm run bench`: the benchmarks in turn (AWS calls, cost and own time per answer, cold
 * start, the throughput curve and isolation overhead, authorizer verify time, STS calls per
 * user, one tenant's latency under another's flood), in a few minutes on a quiet 2-core machine.
 * Figures go to bench/results/latest.json (docs/performance.md). Numbers, not pass/fail:
 * tests don't time things.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

// ask-latency.ts traces where the own time of answer-costs.ts (ownTimeMs) goes (ownTimePath).
const BENCHMARKS = ["answer-costs.ts", "ask-latency.ts", "cold-start.ts", "load.ts", "authorizer-verify.ts", "sts-calls.ts", "noisy-neighbour.ts"];

let failed = 0;
for (const file of BENCHMARKS) {
  console.log(`\n== ${file}`);
  const result = spawnSync("npx", ["--no-install", "tsx", join(__dirname, file)], {
    stdio: "inherit",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
