/**
 * Cold-start cost of each bundle: a fresh Node process loads `dist/lambdas/<name>/index.mjs`
 * (what Lambda's init phase does: the entry and the chunks it imports statically, not the
 * ones a route loads on first use) and reports the time to `import()` it, next to a
 * trivial one-line module loaded in the same way in the same run (the machine's own floor: on a
 * busy machine every figure grows, the trivial one too). Each import is timed twice: wall
 * clock, and the CPU time the process spent on it (`process.cpuUsage()` around the import,
 * all of the process's threads): on a machine shared with other work the wall clock also
 * counts time spent waiting for a core, the CPU time mostly does not. Median over a few
 * runs, runs interleaved across bundles so a burst of load hits all of them; module
 * evaluation only, no network. Writes `coldStartMs`, `coldStartCpuMs` (and `bundleKb`,
 * `entryKb`, `startKb`: what the import loads, `startFiles`) into bench/results/latest.json
 * (nothing with `--no-write`). Run `npm run build` first.
 *
 * Beside them, `coldStartWarmLoaderMs` and `coldStartWarmLoaderCpuMs`: the same import in a
 * process whose ES module loader has already loaded a module, as on Lambda, whose runtime
 * bootstrap is itself an ES module that loads the handler with `import()` (the runtime
 * interface client's bin/index.mjs and UserFunction.js, checked 2026-12-02; see
 * docs/performance.md "Cold start"). The trivial module's own figure is mostly the loader's
 * first use, which a function on Lambda does not pay.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { APP_PROTOCOL, FUNCTION_NAMES, type FunctionName } from "../../infra/naming";
import { toEnvironment as actionGroupEnvironment } from "../../lambdas/action-group/config";
import { toEnvironment as authorizerEnvironment } from "../../lambdas/authorizer/config";
import { toEnvironment as chatEnvironment } from "../../lambdas/chat/config";
import { toEnvironment as offboardingEnvironment } from "../../lambdas/offboarding/config";
import { bundlePath } from "../../infra/bundles";
import { filesLoadedAtStart } from "../../local/lambda/function-bundler";
import { bundleBytes } from "../build";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { benchArgs } from "./bench-args";
import { mergeIntoLatest, round1 } from "./results-file";

const args = benchArgs("cold-start", {});
const RUNS = 7;
// argv[1]: the module to time; argv[2], when given: a module imported first (the warm loader).
const PROBE = `
const { pathToFileURL } = require("node:url");
const url = pathToFileURL(process.argv[1]).href;
const warmUp = process.argv[2] ? import(pathToFileURL(process.argv[2]).href) : Promise.resolve();
warmUp.then(() => {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  return import(url).then(() => {
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    process.stdout.write(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 }));
  });
});
`;

// The handlers read their configuration on first invocation; a valid one is set anyway so a
// future change back to load-time parsing is still measured rather than crashing.
const MANAGEMENT_ENDPOINT = "https://example.execute-api.us-east-1.amazonaws.com/dev";
const FUNCTION_ENVIRONMENTS: Record<FunctionName, Record<string, string>> = {
  authorizer: { ...authorizerEnvironment({
    userPoolId: "us-east-1_AAAAAAAAA",
    clientId: "client",
    tenantIds: new Set(["tenant1"]),
    appProtocol: APP_PROTOCOL,
  }) },
  chat: { ...chatEnvironment({
    connectionsTableName: "bench-connections",
    tenantsTableName: "bench-tenants",
    tenantAccessRoleArn: "arn:aws:iam::000000000000:role/bench",
    agentId: "AGENT",
    agentAliasId: "ALIAS",
    knowledgeBaseId: "KBASEBENCH",
    managementEndpoint: MANAGEMENT_ENDPOINT,
    appProtocol: APP_PROTOCOL,
    limitsTableName: "bench-limits",
    asksPerUserPerMinute: 30,
    revocationsTableName: "bench-revocations",
    usageTableName: "bench-usage",
    usageRetentionDays: 90,
    reserveTokensPerAnswer: 2000,
    budgets: {},
    idTokens: { userPoolId: "us-east-1_AAAAAAAAA", clientId: "client", tenantIds: new Set(["tenant1"]) },
    metricsNamespace: "bench",
  }) },
  offboarding: { ...offboardingEnvironment({
    userPoolId: "us-east-1_AAAAAAAAA",
    connectionsTableName: "bench-connections",
    connectionsUserIndex: "byUserId",
    revocationsTableName: "bench-revocations",
    managementEndpoint: MANAGEMENT_ENDPOINT,
  }) },
  "action-group": { ...actionGroupEnvironment({
    tenantsTableName: "bench-tenants",
    ordersTablePrefix: "bench-orders-",
    connectionsTableName: "bench-connections",
    managementEndpoint: MANAGEMENT_ENDPOINT,
    usageTableName: "bench-usage",
  }) },
};
const env = (name: FunctionName): NodeJS.ProcessEnv => ({
  ...process.env,
  AWS_REGION: "us-east-1",
  AWS_LAMBDA_FUNCTION_NAME: "bench",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  ...FUNCTION_ENVIRONMENTS[name],
});

const TRIVIAL_DIR = mkdtempSync(join(tmpdir(), "mta-cold-"));
const TRIVIAL = join(TRIVIAL_DIR, "index.mjs");
writeFileSync(TRIVIAL, "export const handler = async () => ({ statusCode: 200 });\n");
// What the runtime's own ES module bootstrap has loaded before the handler: a module, and
// `node:module` (its bundle's createRequire banner).
const WARM_UP = join(TRIVIAL_DIR, "bootstrap.mjs");
writeFileSync(WARM_UP, 'import { createRequire } from "node:module";\nexport const ready = typeof createRequire;\n');

type Measured = FunctionName | "trivial";
const files: Record<Measured, string> = { trivial: TRIVIAL, ...(Object.fromEntries(FUNCTION_NAMES.map((n) => [n, bundlePath(n)])) as Record<FunctionName, string>) };
for (const name of FUNCTION_NAMES) {
  if (!existsSync(files[name])) {
    console.error(`missing ${files[name]}: run npm run build first`);
    process.exit(1);
  }
}
const MEASURED: Measured[] = ["trivial", ...FUNCTION_NAMES];
const samples = () => Object.fromEntries(MEASURED.map((name) => [name, [] as number[]])) as Record<Measured, number[]>;
const times = samples();
const cpuTimes = samples();
const warmTimes = samples();
const warmCpuTimes = samples();
const probe = (name: Measured, warmUp: string[]): { wallMs: number; cpuMs: number } => {
  const run = spawnSync(process.execPath, ["-e", PROBE, files[name], ...warmUp], { env: name === "trivial" ? env("authorizer") : env(name), encoding: "utf8" });
  if (run.status !== 0) {
    console.error(`${name}: load failed: ${run.stderr.split("\n")[0]}`);
    process.exit(1);
  }
  return JSON.parse(run.stdout) as { wallMs: number; cpuMs: number };
};
for (let i = 0; i < RUNS; i++) {
  for (const name of MEASURED) {
    const cold = probe(name, []);
    times[name].push(cold.wallMs);
    cpuTimes[name].push(cold.cpuMs);
    const warm = probe(name, [WARM_UP]);
    warmTimes[name].push(warm.wallMs);
    warmCpuTimes[name].push(warm.cpuMs);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`load average ${loadavg().map((n) => n.toFixed(2)).join(" ")} (1, 5, 15 min), ${cpus().length} cores`);
for (const name of MEASURED) {
  const sorted = [...times[name]].sort((a, b) => a - b);
  const kb = ((name === "trivial" ? statSync(files[name]).size : bundleBytes(files[name])) / 1024).toFixed(0);
  const atStart = filesLoadedAtStart(files[name]);
  const startKb = (atStart.reduce((sum, file) => sum + statSync(file).size, 0) / 1024).toFixed(0);
  console.log(
    `${name.padEnd(13)} ${kb.padStart(4)} KB (${startKb.padStart(3)} KB in ${atStart.length} at start)  import median ${median(sorted).toFixed(1)} ms (min ${sorted[0].toFixed(1)}, max ${sorted[RUNS - 1].toFixed(1)}), CPU ${median(cpuTimes[name]).toFixed(1)} ms; after a warm loader ${median(warmTimes[name]).toFixed(1)} ms, CPU ${median(warmCpuTimes[name]).toFixed(1)} ms; n=${RUNS}`,
  );
}
const key = (name: Measured) => (name === "action-group" ? "actionGroup" : name);
const medians = (samples: Record<Measured, number[]>) => ({ ...Object.fromEntries(MEASURED.map((n) => [key(n), round1(median(samples[n]))])), runs: RUNS });
if (args.write) mergeIntoLatest({
  coldStartMs: medians(times),
  coldStartCpuMs: medians(cpuTimes),
  // The same import after the ES module loader's first use, as Lambda's ES module bootstrap leaves it.
  coldStartWarmLoaderMs: medians(warmTimes),
  coldStartWarmLoaderCpuMs: medians(warmCpuTimes),
  // The entry and all its chunks (what is deployed), and the entry alone.
  bundleKb: Object.fromEntries(FUNCTION_NAMES.map((n) => [key(n), round1(bundleBytes(files[n]) / 1024)])),
  entryKb: Object.fromEntries(FUNCTION_NAMES.map((n) => [key(n), round1(statSync(files[n]).size / 1024)])),
  // What the import loads: the entry and the chunks it imports statically.
  startKb: Object.fromEntries(FUNCTION_NAMES.map((n) => [key(n), round1(filesLoadedAtStart(files[n]).reduce((sum, file) => sum + statSync(file).size, 0) / 1024)])),
  startFiles: Object.fromEntries(FUNCTION_NAMES.map((n) => [key(n), filesLoadedAtStart(files[n]).length])),
});
