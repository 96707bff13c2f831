/**
 * Isolation overhead on ONE stack (docs/performance.md, "Isolation overhead"): the load
 * benchmark turns its own stack's IAM gate off and on between steps of the same rate and
 * length (local/iam/iam-gate.ts), so both sides run on the same warm execution
 * environments, caches and connections; two stacks differed by more than the gate costs.
 * Steps come in pairs in ABBA order (on off | off on | on off | …), so a drift in the
 * machine's other work over the run falls on both sides alike, and each pair gives its own
 * ratios; the figure is their median, which one disturbed step cannot move. Pure functions.
 */

export type GateSetting = "on" | "off";

/** What a step of load.ts measured, as far as isolation needs it. */
export interface GateStep {
  offered: number;
  served: number;
  p50Ms: number;
  p99Ms: number;
  loadAverage1m: number;
  /** CPU ms per served ask by process group; `system` their sum, `stack` the stand-ins' process (where the gate runs). */
  cpuMsPerAsk: Record<string, number>;
  /** The stack's IAM evaluations per served ask, STS's included (how a step proves its setting: gateDecisionsPerAsk). */
  iamDecisions: { perAsk: number };
  /** Calls the stand-ins served per ask, `service:operation`. */
  callsPerAsk: Record<string, number>;
}

export interface IsolationPair {
  order: "on-off" | "off-on";
  on: GateStep;
  off: GateStep;
  /** p50 on / off. */
  ratio: number;
  /** The system's CPU per served ask, on / off. */
  cpuRatio: number;
  /** The stack process's CPU per served ask, on / off (where the gate runs). */
  stackCpuRatio: number;
  /**
   * The system's CPU ratio counting only the stack process's difference, (system off +
   * stack on − stack off) / system off: the gate's own cost against the goal of ≤ 1.15×,
   * without the function environments' step-to-step variation.
   */
  stackOnlyCpuRatio: number;
}

export interface IsolationOverhead {
  offered: number;
  stepSeconds: number;
  /** Medians over the pairs of their ratios. */
  ratio: number;
  cpuRatio: number;
  stackCpuRatio: number;
  stackOnlyCpuRatio: number;
  /** Medians over the pairs of each side's figures. */
  p50MsOn: number;
  p50MsOff: number;
  cpuMsPerAskOn: number;
  cpuMsPerAskOff: number;
  pairs: IsolationPair[];
  note: string;
}

/** Pure: the gate's setting step by step, pair by pair, in ABBA order: [on, off], [off, on], [on, off], … */
export function planIsolationPairs(pairs: number): [GateSetting, GateSetting][] {
  if (!Number.isInteger(pairs) || pairs < 1) throw new RangeError(`pairs must be a positive integer, not ${pairs}`);
  return Array.from({ length: pairs }, (_, i) => (i % 2 === 0 ? ["on", "off"] : ["off", "on"]));
}

/** Pure: the median (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const ratioOf = (on: number, off: number) => round2(on / off);

/**
 * Pure: the IAM decisions per ask the gate made in a step: all the stack's decisions but
 * STS's, which stay on either way (two per AssumeRole with session tags, sts:AssumeRole
 * and sts:TagSession: local/sts/sts.ts).
 */
export function gateDecisionsPerAsk(step: GateStep): number {
  return Math.max(0, Math.round((step.iamDecisions.perAsk - 2 * (step.callsPerAsk["sts:AssumeRole"] ?? 0)) * 100) / 100);
}

/**
 * Pure: why a step's IAM decisions contradict the setting it ran with (the switch did not
 * take), or undefined when they agree. With the gate on every ask is decided a dozen
 * times or more (each DynamoDB, Lambda, Bedrock and @connections call); off, not once.
 */
export function settingMismatch(setting: GateSetting, step: GateStep): string | undefined {
  const decisions = gateDecisionsPerAsk(step);
  if (setting === "off" && decisions >= 1) return `the gate was to be off, but the stand-ins made ${decisions} IAM decisions per ask besides STS's`;
  if (setting === "on" && step.served > 0 && decisions < 1) return `the gate was to be on, but the stand-ins made ${decisions} IAM decisions per ask besides STS's`;
  return undefined;
}

/** Pure: one pair's ratios, on / off. */
export function isolationPair(order: [GateSetting, GateSetting], steps: [GateStep, GateStep]): IsolationPair {
  const [on, off] = order[0] === "on" ? steps : [steps[1], steps[0]];
  return {
    order: order[0] === "on" ? "on-off" : "off-on",
    on,
    off,
    ratio: ratioOf(on.p50Ms, off.p50Ms),
    cpuRatio: ratioOf(on.cpuMsPerAsk.system, off.cpuMsPerAsk.system),
    stackCpuRatio: ratioOf(on.cpuMsPerAsk.stack, off.cpuMsPerAsk.stack),
    stackOnlyCpuRatio: ratioOf(off.cpuMsPerAsk.system + on.cpuMsPerAsk.stack - off.cpuMsPerAsk.stack, off.cpuMsPerAsk.system),
  };
}

/** Pure: `isolationOverhead` of bench/results/latest.json: the medians over the pairs, and the pairs. */
export function summarizeIsolation(offered: number, stepSeconds: number, pairs: IsolationPair[]): IsolationOverhead {
  const mid = (pick: (pair: IsolationPair) => number) => round2(median(pairs.map(pick)));
  return {
    offered,
    stepSeconds,
    ratio: mid((p) => p.ratio),
    cpuRatio: mid((p) => p.cpuRatio),
    stackCpuRatio: mid((p) => p.stackCpuRatio),
    stackOnlyCpuRatio: mid((p) => p.stackOnlyCpuRatio),
    p50MsOn: mid((p) => p.on.p50Ms),
    p50MsOff: mid((p) => p.off.p50Ms),
    cpuMsPerAskOn: mid((p) => p.on.cpuMsPerAsk.system),
    cpuMsPerAskOff: mid((p) => p.off.cpuMsPerAsk.system),
    pairs,
    note:
      "one stack, its IAM gate (SigV4 + IAM evaluation in the DynamoDB, Lambda, Bedrock and @connections stand-ins) switched on and off between steps of the same rate and length, in ABBA pairs; " +
      "per pair on / off: ratio of p50 send→done, cpuRatio of the system's CPU ms per served ask, stackCpuRatio of the stack process's (where the gate runs), " +
      "stackOnlyCpuRatio the system's counting only the stack process's difference; each figure the median over the pairs",
  };
}
