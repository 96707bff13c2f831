/**
 * Whether the stand-ins verify SigV4 and evaluate IAM on each request (I14). Every stack's
 * gate is `ENFORCED_IAM_GATE`, frozen: nothing can turn it off. The one exception is a
 * stack started with the programmatic option `benchmarkOnly.iamGateSwitch`
 * (local/stack.ts), which scripts/bench/load.ts alone sets on the stack it forks for
 * itself: that stack holds a `BenchmarkIamGateSwitch` instead, enforced until the
 * benchmark turns it off between steps (over the IPC channel to
 * scripts/bench/stack-process.ts) to measure what isolation costs on the same warm
 * execution environments (docs/performance.md, "Isolation overhead"; threat T25a).
 */

export interface IamGate {
  /** True: SigV4 is verified and IAM evaluated in the DynamoDB, Lambda, Bedrock and @connections stand-ins. */
  readonly enforced: boolean;
}

/** The gate of every stack but a load benchmark's own: always enforced. */
export const ENFORCED_IAM_GATE: IamGate = Object.freeze({ enforced: true });

/** BENCHMARK ONLY: a gate its benchmark turns off and on; enforced when made. */
export class BenchmarkIamGateSwitch implements IamGate {
  private on = true;

  get enforced(): boolean {
    return this.on;
  }

  set(enforced: boolean): void {
    this.on = enforced;
  }
}

/** The switch was asked of a stack started without `benchmarkOnly.iamGateSwitch` (every stack but a benchmark's). */
export class IamGateFixedError extends Error {
  readonly code = "IAM_GATE_FIXED";
  constructor() {
    super("this stack's IAM gate is always enforced: only a stack a benchmark started with benchmarkOnly.iamGateSwitch can turn it off");
    this.name = "IamGateFixedError";
  }
}

/** The gate a stack starts with: a switch only when the benchmark-only option asks for one. */
export function iamGateFor(options: { iamGateSwitch?: boolean } | undefined): IamGate {
  return options?.iamGateSwitch === true ? new BenchmarkIamGateSwitch() : ENFORCED_IAM_GATE;
}

/** Turns a benchmark's gate off (false) or on (true); throws IamGateFixedError for any other gate. */
export function switchIamGate(gate: IamGate, enforced: boolean): void {
  if (!(gate instanceof BenchmarkIamGateSwitch)) throw new IamGateFixedError();
  gate.set(enforced);
}

/** What GET /health reports: "enforced" only for a gate nothing can turn off. */
export function iamGateLabel(gate: IamGate): "enforced" | "enforced (benchmark switch)" | "off (benchmark only)" {
  if (!gate.enforced) return "off (benchmark only)";
  return gate instanceof BenchmarkIamGateSwitch ? "enforced (benchmark switch)" : "enforced";
}
