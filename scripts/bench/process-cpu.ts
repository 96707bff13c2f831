/**
 * CPU time per process group, read from /proc (Linux): what each part of the system spends
 * per served ask is robust to a noisy shared machine, where wall-clock latency is not
 * (docs/performance.md, "Throughput"). A process's user + system time is fields 14 and 15 of
 * /proc/<pid>/stat, in clock ticks; its group is the load generator (this process), the
 * stack process, or the Lambda function an execution environment runs (its
 * AWS_LAMBDA_FUNCTION_NAME). Where /proc is missing every reading is empty.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export type CpuTicks = Map<number, { group: string; ticks: number }>;

/** Ticks per second of /proc's times (`getconf CLK_TCK`, 100 on Linux in practice). */
export const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Pure: parent pid and user + system ticks from a /proc/<pid>/stat line (the name may hold spaces and parentheses). */
export function parseStat(stat: string): { ppid: number; ticks: number } | undefined {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state(3) ppid(4) … utime(14) stime(15), so index = field − 3.
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : undefined;
}

/** Pure: the group of an execution environment from its /proc/<pid>/environ (NUL-separated); `prefix` is stripped from the function name. */
export function functionGroup(environ: string, prefix: string): string | undefined {
  const entry = environ.split("\0").find((e) => e.startsWith("AWS_LAMBDA_FUNCTION_NAME="));
  if (!entry) return undefined;
  const name = entry.slice("AWS_LAMBDA_FUNCTION_NAME=".length);
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Ticks of the load generator (this process, "loadGenerator"), the stack process
 * (`stackPid`, "stack") and each of its children that is a Lambda environment (grouped
 * by function, `functionPrefix` stripped).
 */
export function sampleCpu(stackPid: number, functionPrefix: string): CpuTicks {
  const out: CpuTicks = new Map();
  let pids: number[];
  try {
    pids = readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number);
  } catch {
    return out;
  }
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    const parsed = stat ? parseStat(stat) : undefined;
    if (!parsed) continue;
    if (pid === process.pid) out.set(pid, { group: "loadGenerator", ticks: parsed.ticks });
    else if (pid === stackPid) out.set(pid, { group: "stack", ticks: parsed.ticks });
    else if (parsed.ppid === stackPid) {
      const group = functionGroup(read(`/proc/${pid}/environ`) ?? "", functionPrefix);
      if (group) out.set(pid, { group, ticks: parsed.ticks });
    }
  }
  return out;
}

/** Pure: processes of the Lambda groups present in `after` but not in `before` (environments started: cold starts). */
export function processesStarted(before: CpuTicks, after: CpuTicks): number {
  let started = 0;
  for (const [pid, now] of after) if (!before.has(pid) && now.group !== "stack" && now.group !== "loadGenerator") started += 1;
  return started;
}

/**
 * Pure: CPU milliseconds per ask by group between two samples. A process born in between
 * counts from zero (its cold start included); one gone in between is lost (its last
 * ticks are unknown), which undercounts its group.
 */
export function cpuMsPerAsk(before: CpuTicks, after: CpuTicks, asks: number, ticksPerSecond = TICKS_PER_SECOND): Record<string, number> {
  const ms: Record<string, number> = {};
  for (const [pid, now] of after) {
    const spent = now.ticks - (before.get(pid)?.ticks ?? 0);
    ms[now.group] = (ms[now.group] ?? 0) + (spent * 1000) / ticksPerSecond;
  }
  const perAsk: Record<string, number> = {};
  let total = 0;
  for (const [group, spent] of Object.entries(ms).sort(([a], [b]) => a.localeCompare(b))) {
    perAsk[group] = Math.round((spent / Math.max(1, asks)) * 10) / 10;
    if (group !== "loadGenerator") total += spent;
  }
  perAsk.system = Math.round((total / Math.max(1, asks)) * 10) / 10;
  return perAsk;
}
