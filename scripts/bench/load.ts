/**
 * `npx tsx scripts/bench/load.ts [--step-seconds N] [--warm-up-seconds N] [--warm-up-rate R] [--rates 10,25,...]
 * [--isolation-rate R] [--isolation-pairs N] [--users N] [--environments N|fn=N,…] [--no-write]`: the throughput curve
 * of a local stack it boots itself. 100 users across the 3 tenants, one connection each; asks are offered open-loop (at fixed intervals, whether or not earlier ones have
 * finished) at each rate in turn, round-robin over the users; per step: served asks/s
 * (answers done, over the step's time including its stragglers), p50 and p99 of send → done,
 * failures.
 * Per step also the CPU milliseconds each process group spent per served ask (the stack
 * runs in a process of its own for that, stack-process.ts; process-cpu.ts) and the calls
 * the stand-ins served per ask.
 * Writes `throughput`, `throughputWarmUp` and `isolationOverhead` into bench/results/latest.json and
 * bench/results/throughput.svg.
 *
 * Benchmark settings (said in docs/performance.md): the Bedrock stand-in's pacing 0 (the
 * system's own capacity, not the model's speed); the per-user ask limit at its maximum
 * (1000 a minute: at 200 asks/s each user asks twice a second, over the default limit);
 * the functions' log level WARN (`logLevel`, a setting every stack has); one execution
 * environment per core and function, at least 2, and one more for the chat function
 * (`--environments`, environment-caps.ts: why).
 * Isolation overhead: after the curve, on the same stack (started with the benchmark-only
 * `benchmarkOnly.iamGateSwitch`), steps at one rate with the IAM gate (SigV4 and IAM
 * evaluation in the DynamoDB, Lambda, Bedrock and @connections stand-ins) switched on and
 * off in ABBA pairs (default 4, at least 3); per pair the ratios on / off of p50, of the
 * system's CPU per ask and of the stack process's, and their medians (isolation-pairs.ts).
 * With --no-write only when --isolation-rate is given.
 */
import { AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand } from "@aws-sdk/client-cognito-identity-provider";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { TENANT_ID_ATTRIBUTE } from "../../infra/user-pool-settings";
import { PROJECT } from "../../infra/config";
import { stackNames } from "../../infra/naming";
import type { StartLocalStackOptions } from "../../local/stack";
import type { StackOutputs } from "../../local/runtime/stack-outputs";
import { operatorClients } from "../operator-clients";
import { signIn } from "../stack-client/sign-in";
import { connectAs, type StackConnection } from "../stack-client/ws-client";
import { describeError } from "./describe-error";
import { type EnvironmentCaps, describeEnvironmentCaps, parseEnvironmentCaps } from "./environment-caps";
import { forkStack, type IamDecisionCounts } from "./forked-stack";
import { throughputSvg } from "./throughput-chart";
import { countsSince, COUNTED_SERVICES, type CallCounts } from "../../local/runtime/call-counter";
import { getCallCounts } from "../../local/redteam/control-server";
import { cpuMsPerAsk, processesStarted, sampleCpu } from "./process-cpu";
import { type BenchArgs, benchArgs } from "./bench-args";
import { mergeIntoLatest, percentile, round1, writeResultFile } from "./results-file";
import { isolationPair, planIsolationPairs, settingMismatch, summarizeIsolation, type IsolationOverhead, type IsolationPair } from "./isolation-pairs";

export interface ThroughputStep {
  offered: number;
  served: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  asks: number;
  /** The machine's 1-minute load average at the end of the step. */
  loadAverage1m: number;
  /**
   * CPU milliseconds per served ask during the step, by process group (process-cpu.ts):
   * `stack` (the stand-ins), one key per Lambda function (its environments), `system`
   * (their sum) and `loadGenerator` (this process, not part of the system).
   */
  cpuMsPerAsk: Record<string, number>;
  /** Execution environments started during the step (cold starts; the warm-up's are not counted). */
  coldStarts: number;
  /** Calls the stand-ins served per served ask during the step, `service:operation` (STS and owner reads included as they came). */
  callsPerAsk: Record<string, number>;
  /**
   * The IAM gate's decisions during the step (local/iam/decision-cache.ts): evaluations per
   * served ask and the share the cache answered. Zero evaluations with the gate off.
   */
  iamDecisions: { perAsk: number; hitRate: number };
}

/** Pure: calls per ask by `service:operation` (detail keys left out), two decimals. */
export function callsPerAsk(counts: CallCounts, asks: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const service of COUNTED_SERVICES) {
    for (const [operation, tally] of Object.entries(counts[service])) {
      if (!operation.includes(":")) out[`${service}:${operation}`] = Math.round((tally.calls / Math.max(1, asks)) * 100) / 100;
    }
  }
  return out;
}

/**
 * Pure: the isolation pairs' rate unless given: the step below the highest the curve served in
 * full (≥ 90 % of the offered rate), at least 10/s. Not the highest itself: there both
 * sides sit at the knee, and a step that queues spends CPU per ask on the queueing, not
 * on the gate (stop 22: at 100/s, the highest served in full, the enforced steps served
 * 96–98 of 100 with a p50 of 100 ms against 10 ms, and read 1.21× twice).
 */
export function defaultIsolationRate(steps: readonly Pick<ThroughputStep, "offered" | "served">[]): number {
  const inFull = steps.filter((s) => s.served >= 0.9 * s.offered).map((s) => s.offered).sort((a, b) => a - b);
  const below = inFull.length >= 2 ? inFull[inFull.length - 2] : inFull[0];
  return Math.max(10, below ?? 10);
}

/** Pure: the IAM evaluations between two samples of the decision cache, per served ask, and the cache's share of them. */
export function decisionsPerAsk(before: IamDecisionCounts, after: IamDecisionCounts, asks: number): { perAsk: number; hitRate: number } {
  const hits = after.hits - before.hits;
  const evaluations = hits + after.misses - before.misses;
  return { perAsk: Math.round((evaluations / Math.max(1, asks)) * 100) / 100, hitRate: evaluations === 0 ? 0 : Math.round((hits / evaluations) * 1000) / 1000 };
}

const DEFAULT_USERS = 100;
const PROMPT = "What is the return policy?";
const DEFAULT_RATES = [10, 25, 50, 75, 100, 150, 200];
/**
 * The uncounted warm-up before the curve: about 3,000 asks. The functions' CPU per
 * invocation keeps falling over the first thousands of asks (the chat function's answer
 * step from 6.2 to 4.4 ms over a minute at 95 asks/s: its JIT, the per-environment caches
 * and heap filling), and a deployed stack with steady traffic runs warm; at the curve's
 * first rate (10/s) the warm-up would take five minutes. 50/s is served in full here.
 */
const DEFAULT_WARM_UP_RATE = 50;
const DEFAULT_WARM_UP_SECONDS = 60;
/** An even count: ABBA's on-first and off-first pairs balance. */
const DEFAULT_ISOLATION_PAIRS = 4;

async function createUser(outputs: StackOutputs, operator: ReturnType<typeof operatorClients>, i: number): Promise<StackConnection> {
  const tenants = Object.keys(outputs.ordersTableNames);
  const username = `bench-${i}`;
  const password = `Bench-${randomBytes(12).toString("base64url")}-9a`;
  const tenantId = tenants[i % tenants.length];
  await operator.cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: outputs.userPoolId,
      Username: username,
      MessageAction: "SUPPRESS",
      TemporaryPassword: `${password}-tmp`,
      UserAttributes: [{ Name: TENANT_ID_ATTRIBUTE.attributeName, Value: tenantId }],
    }),
  );
  await operator.cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: outputs.userPoolId, Username: username, Password: password, Permanent: true }));
  const got = await operator.cognito.send(new AdminGetUserCommand({ UserPoolId: outputs.userPoolId, Username: username }));
  const sub = got.UserAttributes?.find((a) => a.Name === "sub")?.Value ?? "";
  const tokens = await signIn({ outputs, cognito: operator.cognito }, username, password);
  return connectAs(outputs, { username, tenantId, sub, ...tokens });
}

/** The users, created, signed in and connected ten at a time (one at a time took most of the run). */
async function createUsers(outputs: StackOutputs, count: number): Promise<StackConnection[]> {
  const operator = operatorClients(outputs);
  const connections: StackConnection[] = [];
  try {
    for (let i = 0; i < count; i += 10) {
      const batch = Array.from({ length: Math.min(10, count - i) }, (_, k) => createUser(outputs, operator, i + k));
      connections.push(...(await Promise.all(batch)));
    }
  } finally {
    operator.destroy();
  }
  return connections;
}

/** One step: `rate` asks a second for `seconds`, then waits for the stragglers. */
async function runStep(stack: StackProcess, connections: StackConnection[], rate: number, seconds: number, cursor: { next: number }): Promise<ThroughputStep> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const callsBefore = await stack.calls();
  const decisionsBefore = await stack.iamDecisions();
  const cpuBefore = stack.sampleCpu();
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const connection = connections[cursor.next++ % connections.length];
    const sent = performance.now();
    pending.push(
      connection.ask(PROMPT, { timeoutMs: 60_000 }).then(
        (answer) => {
          const end = performance.now();
          if (answer.outcome !== "done") failed += 1;
          else latencies.push(end - sent);
        },
        () => {
          failed += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = stack.sampleCpu();
  const calls = countsSince(await stack.calls(), callsBefore);
  const decisionsAfter = await stack.iamDecisions();
  const cpu = cpuMsPerAsk(cpuBefore, cpuAfter, latencies.length);
  return {
    offered: rate,
    // Answers completed per second of the step, stragglers included in the time they took.
    served: round1(latencies.length / Math.max(seconds, elapsed)),
    p50Ms: round1(percentile(latencies, 50)),
    p99Ms: round1(percentile(latencies, 99)),
    failed,
    asks: total,
    loadAverage1m: round1(loadavg()[0]),
    cpuMsPerAsk: cpu,
    coldStarts: processesStarted(cpuBefore, cpuAfter),
    callsPerAsk: callsPerAsk(calls, latencies.length),
    iamDecisions: decisionsPerAsk(decisionsBefore, decisionsAfter, latencies.length),
  };
}

interface StackProcess {
  outputs: StackOutputs;
  /** CPU ticks of the load generator, the stack process and its Lambda environments now. */
  sampleCpu(): ReturnType<typeof sampleCpu>;
  /** Every call the stand-ins served so far (the control server's GET /calls). */
  calls(): Promise<CallCounts>;
  /** The IAM decision cache's hits and misses so far. */
  iamDecisions(): Promise<IamDecisionCounts>;
  /** The stack's IAM gate off or on from the next request (only this benchmark's own stack has the switch). */
  setIamGate(enforced: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** The stack in a process of its own (stack-process.ts), so its CPU is measured apart from the load generator's. */
async function startStackProcess(options: StartLocalStackOptions): Promise<StackProcess> {
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const { child, outputs, stop, iamDecisions, setIamGate } = await forkStack(options, profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
  const functionPrefix = `${stackNames(PROJECT, "dev", outputs.region).prefix}-`;
  return {
    outputs,
    sampleCpu: () => sampleCpu(child.pid ?? -1, functionPrefix),
    calls: () => getCallCounts(outputs.endpoints?.control ?? "", outputs.controlToken ?? ""),
    iamDecisions,
    setIamGate,
    stop,
  };
}

function report(label: string, step: ThroughputStep): void {
  console.log(`${label}  offered ${String(step.offered).padStart(3)}/s  served ${String(step.served).padStart(6)}/s  p50 ${step.p50Ms} ms  p99 ${step.p99Ms} ms  failed ${step.failed}  load ${step.loadAverage1m}`);
  console.log(`         CPU ms per ask: ${Object.entries(step.cpuMsPerAsk).map(([group, ms]) => `${group} ${ms}`).join(", ")}; cold starts ${step.coldStarts}`);
  console.log(`         calls per ask: ${Object.entries(step.callsPerAsk).map(([op, n]) => `${op} ${n}`).join(", ")}`);
  console.log(`         IAM decisions per ask: ${step.iamDecisions.perAsk}, from the cache ${(step.iamDecisions.hitRate * 100).toFixed(1)} %`);
}

async function warm(connections: StackConnection[]): Promise<void> {
  // Every user's first answer (credentials minted, environments started), ten at a time:
  // the pool starts at one environment per function and grows to its cap.
  for (let i = 0; i < connections.length; i += 10) {
    await Promise.all(connections.slice(i, i + 10).map((c) => c.ask(PROMPT, { timeoutMs: 120_000 })));
  }
}

interface Curve {
  /** The uncounted step before the curve (see below). */
  warmUp: ThroughputStep;
  steps: ThroughputStep[];
}

/** The throughput curve, the IAM gate enforced. */
async function curve(
  stack: StackProcess,
  connections: StackConnection[],
  cursor: { next: number },
  options: { rates: number[]; stepSeconds: number; warmUpSeconds: number; warmUpRate: number },
): Promise<Curve> {
  // A step that is not part of the curve (DEFAULT_WARM_UP_RATE): each execution environment
  // keeps its own scoped credentials per user and remembers the connection owners it has
  // read, so until most users have met most environments an ask costs an AssumeRole and
  // owner reads more, and the functions' code is not yet warm (reported as `warmUp`).
  const warmUp = await runStep(stack, connections, options.warmUpRate, options.warmUpSeconds, cursor);
  report("iam on  warm-up", warmUp);
  const steps: ThroughputStep[] = [];
  for (const rate of options.rates) {
    const step = await runStep(stack, connections, rate, options.stepSeconds, cursor);
    report("iam on ", step);
    steps.push(step);
    // Saturated: further steps would only queue more (and take minutes to drain).
    if (step.p99Ms > 5_000 || step.served < step.offered / 2) break;
  }
  return { warmUp, steps };
}

/**
 * Isolation overhead on the same stack, after the curve (isolation-pairs.ts): the gate
 * switched off and on between steps of `rate` and `stepSeconds`, in ABBA pairs. A step
 * whose IAM decisions contradict its setting stops the run (the switch did not take).
 */
async function isolation(stack: StackProcess, connections: StackConnection[], cursor: { next: number }, options: { rate: number; stepSeconds: number; pairs: number }): Promise<IsolationOverhead> {
  const pairs: IsolationPair[] = [];
  // One uncounted step of two step-lengths at the rate first, the gate on: the curve's last
  // step may have run at another rate, and the environments' per-user caches are still
  // filling (CPU per ask falls step by step until they are: the first pair, on first,
  // read 1.10–1.33× in runs with a settling step of one length).
  report("iam on  settle", await runStep(stack, connections, options.rate, 2 * options.stepSeconds, cursor));
  try {
    for (const order of planIsolationPairs(options.pairs)) {
      const steps: ThroughputStep[] = [];
      for (const setting of order) {
        await stack.setIamGate(setting === "on");
        const step = await runStep(stack, connections, options.rate, options.stepSeconds, cursor);
        report(`iam ${setting.padEnd(3)}`, step);
        const mismatch = settingMismatch(setting, step);
        if (mismatch) throw new Error(mismatch);
        steps.push(step);
      }
      const pair = isolationPair(order, [steps[0], steps[1]]);
      console.log(`         pair ${pairs.length + 1} (${pair.order}): ${pair.cpuRatio}× system CPU per ask, ${pair.stackCpuRatio}× stack process (${pair.stackOnlyCpuRatio}× of the system), ${pair.ratio}× p50`);
      pairs.push(pair);
    }
  } finally {
    await stack.setIamGate(true);
  }
  return summarizeIsolation(options.rate, options.stepSeconds, pairs);
}

const OPTIONS = { "--step-seconds": "N", "--warm-up-seconds": "N", "--warm-up-rate": "R", "--rates": "R,…", "--isolation-rate": "R", "--isolation-pairs": "N", "--users": "N", "--environments": "N|fn=N,…" } as const;
/** The command line, read when first asked (the unit tests import this file). */
let parsedArgs: BenchArgs | undefined;
function args(): BenchArgs {
  parsedArgs ??= benchArgs("load", OPTIONS);
  return parsedArgs;
}
function flag(name: keyof typeof OPTIONS): string | undefined {
  return args().value(name);
}

async function main(): Promise<void> {
  const stepSeconds = Number(flag("--step-seconds") ?? 5);
  const warmUpSeconds = Number(flag("--warm-up-seconds") ?? DEFAULT_WARM_UP_SECONDS);
  const warmUpRate = Number(flag("--warm-up-rate") ?? DEFAULT_WARM_UP_RATE);
  const rates = (flag("--rates") ?? DEFAULT_RATES.join(",")).split(",").map(Number);
  const pairCount = Number(flag("--isolation-pairs") ?? DEFAULT_ISOLATION_PAIRS);
  const explicitRate = flag("--isolation-rate");
  let environments: EnvironmentCaps;
  try {
    environments = parseEnvironmentCaps(flag("--environments"), availableParallelism());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  if (
    !Number.isFinite(stepSeconds) || stepSeconds < 1 || !Number.isFinite(warmUpSeconds) || warmUpSeconds < 1 || !(warmUpRate > 0) || !Number.isFinite(warmUpRate) ||
    rates.some((r) => !Number.isFinite(r) || r <= 0) || !Number.isInteger(pairCount) || pairCount < 3 ||
    (explicitRate !== undefined && !(Number(explicitRate) > 0))
  ) {
    console.error("load: --step-seconds and --warm-up-seconds must be ≥ 1, --rates a comma-separated list of positive numbers, --warm-up-rate and --isolation-rate positive and --isolation-pairs an integer ≥ 3");
    process.exit(2);
  }
  const noWrite = !args().write;
  // The switch exists on this stack only (T25a); it stays enforced for the curve.
  const stack = await startStackProcess({
    ports: "free",
    stateDir: mkdtempSync(join(tmpdir(), "mta-bench-load-")),
    askRateLimit: { perUserPerMinute: 1000 },
    agentChunkDelayMs: 0,
    logLevel: "WARN",
    environmentsPerFunction: environments.perFunction,
    environmentsByFunction: environments.byFunction,
    benchmarkOnly: { iamGateSwitch: true },
  });
  let result: { curve: Curve; isolationOverhead?: IsolationOverhead };
  console.log(`execution environments at most: ${describeEnvironmentCaps(environments)}`);
  try {
    const connections = await createUsers(stack.outputs, Number(flag("--users") ?? DEFAULT_USERS));
    const cursor = { next: 0 };
    await warm(connections);
    const measured = await curve(stack, connections, cursor, { rates, stepSeconds, warmUpSeconds, warmUpRate });
    result = { curve: measured };
    // --no-write is a quick look (profiling): no isolation pairs unless a rate is given.
    if (!noWrite || explicitRate !== undefined) {
      const rate = Number(explicitRate ?? defaultIsolationRate(measured.steps));
      result.isolationOverhead = await isolation(stack, connections, cursor, { rate, stepSeconds, pairs: pairCount });
      const o = result.isolationOverhead;
      console.log(
        `isolation overhead at ${o.offered}/s, median of ${o.pairs.length} pairs: ${o.cpuRatio}× system CPU per ask (${o.cpuMsPerAskOn} vs ${o.cpuMsPerAskOff} ms; pairs ${o.pairs.map((p) => p.cpuRatio).join(", ")}), ` +
          `${o.stackCpuRatio}× stack process (pairs ${o.pairs.map((p) => p.stackCpuRatio).join(", ")}; ${o.stackOnlyCpuRatio}× of the system), ${o.ratio}× p50 (${o.p50MsOn} vs ${o.p50MsOff} ms)`,
      );
    }
    await Promise.all(connections.map((c) => c.close()));
  } finally {
    await stack.stop();
  }
  if (noWrite) return; // latest.json untouched
  const svg = writeResultFile("throughput.svg", throughputSvg(result.curve.steps));
  mergeIntoLatest({
    throughput: result.curve.steps,
    throughputWarmUp: result.curve.warmUp,
    throughputEnvironments: { ...environments.byFunction, others: environments.perFunction },
    isolationOverhead: result.isolationOverhead,
  });
  console.log(`chart ${svg}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench failed: ${describeError(error)}`);
    process.exit(1);
  });
}
