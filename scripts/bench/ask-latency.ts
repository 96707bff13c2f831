/**
 * `npx tsx scripts/bench/ask-latency.ts [--short N] [--long N] [--no-write]`: where the system's own time
 * of one answer goes. With the Bedrock stand-in's pacing at 0 (a benchmark setting), it
 * sends one question at a time over a real WebSocket with a real sign-in and traces each
 * answer in the stand-ins (local/runtime/call-counter.ts `startTrace`): every call they
 * serve and a few moments that are not calls (an invocation's end, the agent's first chunk,
 * a message delivered), timed in this process, which also runs the client. It reports, per
 * answer kind, the median time of each step after the send (the critical path, for
 * docs/performance.md §Own time), send → done, the time after `done` until the answer
 * step returned (what runs "after done"), the CPU used per answer by the stack's
 * process and by the function environments (from /proc), and how many answers came whole
 * in `done` (no `chunk` event: the agent's stream ended before the first flush,
 * lambdas/chat/chunk-coalescer.ts). `ownTimePath` in latest.json.
 *
 * It boots its OWN local stack on free ports and signs in as a demo user (which changes
 * that user's password), so it never targets a stack it did not boot.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TraceEvent } from "../../local/runtime/call-counter";
import { startLocalStack } from "../../local/stack";
import { operatorClients } from "../operator-clients";
import { addOrder } from "../orders";
import { signInDemoUser } from "../stack-client/sign-in";
import { connectAs, type StackConnection } from "../stack-client/ws-client";
import { LONG_ORDERS, LONG_PROMPT, SHORT_PROMPT } from "./answer-costs";
import { describeError } from "./describe-error";
import { benchArgs } from "./bench-args";
import { mergeIntoLatest, percentile, round1 } from "./results-file";

/** One step of an answer's path: its label (`service Operation detail #n`) and when, in ms after the send. */
export interface Step {
  label: string;
  atMs: number;
}

/**
 * Pure: one answer's trace as steps after the send, each labelled with its occurrence
 * (`dynamodb Answered GetItem #2` is the second GetItem answered), so the same step of
 * many answers can be compared.
 */
export function stepsOf(events: readonly TraceEvent[], sentAtMs: number): Step[] {
  const seen = new Map<string, number>();
  return events.map((event) => {
    const base = [event.service, event.operation, event.detail].filter((part) => part !== undefined && part !== "").join(" ");
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { label: `${base} #${n}`, atMs: event.atMs - sentAtMs };
  });
}

/** Pure: per label present in every answer, the median time after the send, in order. */
export function medianPath(answers: readonly Step[][]): { step: string; atMs: number }[] {
  const byLabel = new Map<string, number[]>();
  for (const steps of answers) for (const step of steps) byLabel.set(step.label, [...(byLabel.get(step.label) ?? []), step.atMs]);
  return [...byLabel.entries()]
    .filter(([, times]) => times.length === answers.length)
    .map(([step, times]) => ({ step, atMs: round1(percentile(times, 50)) }))
    .sort((a, b) => a.atMs - b.atMs);
}

/** One function invocation of an answer: which (`chat #1` is the ask route, `chat #2` the answer step), its wall and CPU time. */
export interface Invocation {
  label: string;
  wallMs: number;
  cpuMs?: number;
}

/** Pure: the invocations of one trace, each from its start (`Invoke`) to its end (`InvokeEnd`), in start order. */
export function invocationsOf(events: readonly TraceEvent[]): Invocation[] {
  const open = new Map<string, number[]>();
  const seen = new Map<string, number>();
  const result: (Invocation & { startedAt: number })[] = [];
  for (const event of events) {
    if (event.service !== "lambda" || event.detail === undefined) continue;
    const name = event.detail.replace(/^.*-(chat|action-group|authorizer|offboarding)$/, "$1");
    if (event.operation === "Invoke") {
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      open.set(name, [...(open.get(name) ?? []), result.length]);
      result.push({ label: `${name} #${n}`, wallMs: Number.NaN, startedAt: event.atMs });
    } else if (event.operation === "InvokeEnd") {
      // Environments of one function end in any order; each end closes the earliest open one of
      // its function, which holds for the answer's sequence (ask route, then answer step).
      const index = open.get(name)?.shift();
      if (index === undefined) continue;
      result[index].wallMs = event.atMs - result[index].startedAt;
      if (event.cpuMs !== undefined) result[index].cpuMs = event.cpuMs;
    }
  }
  return result.map(({ startedAt: _startedAt, ...invocation }) => invocation);
}

/** CPU milliseconds (user + system) of this process's child processes, from /proc. Linux only; 0 elsewhere. */
function childrenCpuMs(): number {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== process.pid) continue; // field 4: the parent
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerMs; // utime, stime
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

interface Traced {
  sendToDoneMs: number;
  /** The answer step's end after `done` reached the client (negative: before). */
  answerEndAfterDoneMs: number;
  steps: Step[];
  invocations: Invocation[];
  cpuStackMs: number;
  cpuFunctionsMs: number;
  /** `chunk` events of the answer (0: its whole text came in `done`). */
  chunkEvents: number;
}

async function tracedAsk(stack: Awaited<ReturnType<typeof startLocalStack>>, connection: StackConnection, prompt: string): Promise<Traced> {
  const cpu0 = { stack: selfCpuMs(), functions: childrenCpuMs() };
  stack.calls.startTrace();
  const sentAt = performance.now();
  const answer = await connection.ask(prompt);
  const doneAt = performance.now();
  if (answer.outcome !== "done") throw new Error(`ask "${prompt}" ended with ${answer.errorCode ?? answer.outcome}`);
  // The answer step's work after `done` (settlement, metrics) lands meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 150));
  const events = stack.calls.stopTrace();
  const cpuStackMs = selfCpuMs() - cpu0.stack;
  const cpuFunctionsMs = childrenCpuMs() - cpu0.functions;
  const ends = events.filter((e) => e.service === "lambda" && e.operation === "InvokeEnd" && e.detail?.endsWith("-chat") === true);
  const answerEnd = ends.at(-1)?.atMs ?? doneAt;
  return {
    sendToDoneMs: doneAt - sentAt,
    answerEndAfterDoneMs: answerEnd - doneAt,
    steps: stepsOf(events, sentAt),
    invocations: invocationsOf(events),
    cpuStackMs,
    cpuFunctionsMs,
    chunkEvents: answer.events.filter((e) => e.type === "chunk").length,
  };
}

/** Pure: per invocation label present in every answer, the median wall and CPU milliseconds. */
export function invocationSummary(answers: readonly Invocation[][]): { invocation: string; wallMs: number; cpuMs: number }[] {
  const labels = new Map<string, Invocation[]>();
  for (const invocations of answers) for (const i of invocations) labels.set(i.label, [...(labels.get(i.label) ?? []), i]);
  return [...labels.entries()]
    .filter(([, all]) => all.length === answers.length)
    .map(([invocation, all]) => ({
      invocation,
      wallMs: round1(percentile(all.map((i) => i.wallMs), 50)),
      cpuMs: round1(percentile(all.map((i) => i.cpuMs ?? Number.NaN), 50)),
    }));
}

function summary(runs: Traced[]) {
  const median = (pick: (t: Traced) => number) => round1(percentile(runs.map(pick), 50));
  return {
    runs: runs.length,
    sendToDoneMs: median((t) => t.sendToDoneMs),
    sendToDoneP90Ms: round1(percentile(runs.map((t) => t.sendToDoneMs), 90)),
    answerEndAfterDoneMs: median((t) => t.answerEndAfterDoneMs),
    cpuPerAnswerMs: { stack: median((t) => t.cpuStackMs), functions: median((t) => t.cpuFunctionsMs) },
    wholeInDone: runs.filter((t) => t.chunkEvents === 0).length,
    invocations: invocationSummary(runs.map((t) => t.invocations)),
    path: medianPath(runs.map((t) => t.steps)),
  };
}

async function main(): Promise<void> {
  const args = benchArgs("ask-latency", { "--short": "N", "--long": "N" });
  const flag = (name: "--short" | "--long", fallback: number) => {
    const given = args.value(name);
    const value = given === undefined ? fallback : Number(given);
    if (!Number.isInteger(value) || value < 1 || value > 1000) {
      console.error(`ask-latency: ${name} must be a whole number from 1 to 1000`);
      process.exit(2);
    }
    return value;
  };
  const shortRuns = flag("--short", 40);
  const longRuns = flag("--long", 15);
  const stack = await startLocalStack({
    ports: "free",
    stateDir: mkdtempSync(join(tmpdir(), "mta-bench-trace-")),
    askRateLimit: { perUserPerMinute: 1000 },
    agentChunkDelayMs: 0,
  });
  try {
    const outputs = stack.outputs;
    const username = Object.keys(outputs.users)[0];
    const operator = operatorClients(outputs);
    for (let i = 0; i < LONG_ORDERS; i++) {
      await addOrder(operator, username, { orderDate: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), total: 10 + i, currency: "EUR", status: "delivered", items: [`item-${i}`] });
    }
    operator.destroy();
    const connection = await connectAs(outputs, await signInDemoUser(outputs, username));
    for (let i = 0; i < 5; i++) {
      await connection.ask(SHORT_PROMPT);
      await connection.ask(LONG_PROMPT);
    }
    const short: Traced[] = [];
    for (let i = 0; i < shortRuns; i++) short.push(await tracedAsk(stack, connection, SHORT_PROMPT));
    const long: Traced[] = [];
    for (let i = 0; i < longRuns; i++) long.push(await tracedAsk(stack, connection, LONG_PROMPT));
    await connection.close();
    const result = { ownTimePath: { pacingMs: 0, short: summary(short), long: summary(long) } };
    if (args.write) mergeIntoLatest(result);
    for (const kind of ["short", "long"] as const) {
      const s = result.ownTimePath[kind];
      console.log(`\n${kind}: send→done median ${s.sendToDoneMs} ms (p90 ${s.sendToDoneP90Ms}), answer step ends ${s.answerEndAfterDoneMs} ms after done, CPU per answer: stack ${s.cpuPerAnswerMs.stack} ms, functions ${s.cpuPerAnswerMs.functions} ms`);
      console.log(`  whole in done (no chunk event): ${s.wholeInDone} of ${s.runs}`);
      for (const i of s.invocations) console.log(`  ${i.invocation}: wall ${i.wallMs} ms, CPU ${i.cpuMs} ms`);
      let previous = 0;
      for (const { step, atMs } of s.path) {
        console.log(`  ${atMs.toFixed(1).padStart(7)} ms  (+${(atMs - previous).toFixed(1).padStart(5)})  ${step}`);
        previous = atMs;
      }
    }
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench failed: ${describeError(error)}`);
    process.exit(1);
  });
}
