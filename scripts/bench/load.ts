/**
 * `npx tsx scripts/bench/load.ts [--step-seconds N] [--rates 10,25,...]`: the throughput
 * curve of a local stack it boots itself. 100 users across the 3 tenants, one connection
 * each; asks are offered open-loop (at fixed intervals, whether or not earlier ones have
 * finished) at each rate in turn, round-robin over the users; per step: served asks/s
 * (answers done, over the step's time including its stragglers), p50 and p99 of send → done,
 * failures.
 * Writes `throughput` and `isolationOverhead` into bench/results/latest.json and
 * bench/results/throughput.svg.
 *
 * Benchmark settings (said in docs/performance.md): the Bedrock stand-in's pacing 0 (the
 * system's own capacity, not the model's speed); the per-user ask limit at its maximum
 * (1000 a minute: at 200 asks/s each user asks twice a second, over the default limit).
 * Isolation overhead: the same load on a second stack started with the benchmark-only
 * `benchmarkOnly.iamGateOff` (SigV4 and IAM evaluation skipped in the DynamoDB, Lambda,
 * Bedrock and @connections stand-ins), the ratio of p50s at a rate both serve.
 */
import { AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand } from "@aws-sdk/client-cognito-identity-provider";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { TENANT_ID_ATTRIBUTE } from "../../infra/user-pool-settings";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { operatorClients } from "../operator-clients";
import { signIn } from "../stack-client/sign-in";
import { connectAs, type StackConnection } from "../stack-client/ws-client";
import { describeError } from "./describe-error";
import { throughputSvg } from "./throughput-chart";
import { mergeIntoLatest, percentile, round1, writeResultFile } from "./results-file";

export interface ThroughputStep {
  offered: number;
  served: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  asks: number;
  /** The machine's 1-minute load average at the end of the step. */
  loadAverage1m: number;
}

const USERS = 100;
const PROMPT = "What is the return policy?";
const DEFAULT_RATES = [10, 25, 50, 75, 100, 150, 200];

async function createUser(stack: LocalStack, operator: ReturnType<typeof operatorClients>, i: number): Promise<StackConnection> {
  const outputs = stack.outputs;
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
async function createUsers(stack: LocalStack, count: number): Promise<StackConnection[]> {
  const operator = operatorClients(stack.outputs);
  const connections: StackConnection[] = [];
  try {
    for (let i = 0; i < count; i += 10) {
      const batch = Array.from({ length: Math.min(10, count - i) }, (_, k) => createUser(stack, operator, i + k));
      connections.push(...(await Promise.all(batch)));
    }
  } finally {
    operator.destroy();
  }
  return connections;
}

/** One step: `rate` asks a second for `seconds`, then waits for the stragglers. */
async function runStep(connections: StackConnection[], rate: number, seconds: number, cursor: { next: number }): Promise<ThroughputStep> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
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
  return {
    offered: rate,
    // Answers completed per second of the step, stragglers included in the time they took.
    served: round1(latencies.length / Math.max(seconds, elapsed)),
    p50Ms: round1(percentile(latencies, 50)),
    p99Ms: round1(percentile(latencies, 99)),
    failed,
    asks: total,
    loadAverage1m: round1(loadavg()[0]),
  };
}

async function curve(options: { iamGateOff: boolean; rates: number[]; stepSeconds: number }): Promise<ThroughputStep[]> {
  const stack = await startLocalStack({
    ports: "free",
    stateDir: mkdtempSync(join(tmpdir(), "mta-bench-load-")),
    askRateLimit: { perUserPerMinute: 1000 },
    agentChunkDelayMs: 0,
    ...(options.iamGateOff ? { benchmarkOnly: { iamGateOff: true } } : {}),
  });
  try {
    const connections = await createUsers(stack, USERS);
    const cursor = { next: 0 };
    // Warm: every user's first answer (credentials minted, environments started), ten at a
    // time: the pool starts at one environment per function and grows to its cap.
    for (let i = 0; i < connections.length; i += 10) {
      await Promise.all(connections.slice(i, i + 10).map((c) => c.ask(PROMPT, { timeoutMs: 120_000 })));
    }
    const steps: ThroughputStep[] = [];
    for (const rate of options.rates) {
      const step = await runStep(connections, rate, options.stepSeconds, cursor);
      console.log(`${options.iamGateOff ? "iam off" : "iam on "}  offered ${String(step.offered).padStart(3)}/s  served ${String(step.served).padStart(6)}/s  p50 ${step.p50Ms} ms  p99 ${step.p99Ms} ms  failed ${step.failed}  load ${step.loadAverage1m}`);
      steps.push(step);
      // Saturated: further steps would only queue more (and take minutes to drain).
      if (step.p99Ms > 5_000 || step.served < step.offered / 2) break;
    }
    await Promise.all(connections.map((c) => c.close()));
    return steps;
  } finally {
    await stack.stop();
  }
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const stepSeconds = Number(flag("--step-seconds") ?? 5);
  const rates = (flag("--rates") ?? DEFAULT_RATES.join(",")).split(",").map(Number);
  if (!Number.isFinite(stepSeconds) || stepSeconds < 1 || rates.some((r) => !Number.isFinite(r) || r <= 0)) {
    console.error("load: --step-seconds must be ≥ 1 and --rates a comma-separated list of positive numbers");
    process.exit(2);
  }
  const enforced = await curve({ iamGateOff: false, rates, stepSeconds });
  // Default: the highest offered rate the enforced stack still served in full (≥ 90 %), so
  // both stacks are compared where neither is saturated; at least 10/s.
  const servedInFull = enforced.filter((s) => s.served >= 0.9 * s.offered).map((s) => s.offered);
  const isolationRate = Number(flag("--isolation-rate") ?? Math.max(10, ...servedInFull));
  const off = await curve({ iamGateOff: true, rates: [isolationRate], stepSeconds });
  const on = enforced.find((s) => s.offered === isolationRate) ?? (await curve({ iamGateOff: false, rates: [isolationRate], stepSeconds }))[0];
  const isolationOverhead = {
    offered: isolationRate,
    p50MsOn: on.p50Ms,
    p50MsOff: off[0].p50Ms,
    ratio: Math.round((on.p50Ms / off[0].p50Ms) * 100) / 100,
    note: "p50 send→done with the IAM gate on / off (benchmarkOnly.iamGateOff), same load",
  };
  const svg = writeResultFile("throughput.svg", throughputSvg(enforced));
  mergeIntoLatest({ throughput: enforced, isolationOverhead });
  console.log(`isolation overhead at ${isolationRate}/s: ${isolationOverhead.ratio}× (p50 ${on.p50Ms} vs ${off[0].p50Ms} ms); chart ${svg}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench failed: ${describeError(error)}`);
    process.exit(1);
  });
}
