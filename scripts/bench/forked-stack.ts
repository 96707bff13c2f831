/**
 * The parent side of stack-process.ts: the local stack forked into a process of its own,
 * so a benchmark's CPU figures keep the stack's CPU apart from its own (process-cpu.ts).
 */
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { StackOutputs } from "../../local/runtime/stack-outputs";
import type { StartLocalStackOptions } from "../../local/stack";
import type { IamGateReply, StackProcessRequest } from "./stack-process";

export interface ForkedStack {
  readonly child: ChildProcess;
  readonly outputs: StackOutputs;
  /** The stack process's IAM decision cache: hits and misses since it started. */
  iamDecisions(): Promise<IamDecisionCounts>;
  /**
   * The stack's IAM gate off (false) or on (true) from the next request on; rejects with
   * IamGateRefusedError, the gate unchanged, unless the stack was forked with
   * `benchmarkOnly.iamGateSwitch` (local/iam/iam-gate.ts, T25a).
   */
  setIamGate(enforced: boolean): Promise<void>;
  /** Asks the stack to stop and waits for its process to exit. */
  stop(): Promise<void>;
}

export interface IamDecisionCounts {
  hits: number;
  misses: number;
}

/** The stack process refused to switch its IAM gate. */
export class IamGateRefusedError extends Error {
  readonly code = "IAM_GATE_REFUSED";
  constructor(reason: string) {
    super(`the stack refused to switch its IAM gate: ${reason}`);
    this.name = "IamGateRefusedError";
  }
}

/** Sends `request` and resolves with the first answer of the same type. */
function ask<T extends { type?: string }>(child: ChildProcess, request: StackProcessRequest): Promise<T> {
  return new Promise<T>((resolve) => {
    const answer = (message: T) => {
      if (message?.type !== request.type) return;
      child.off("message", answer);
      resolve(message);
    };
    child.on("message", answer);
    child.send(request);
  });
}

/** Forks stack-process.ts with `options` and resolves once it reports its outputs. */
export async function forkStack(options: StartLocalStackOptions, nodeArgs: readonly string[] = []): Promise<ForkedStack> {
  const child = fork(join(__dirname, "stack-process.ts"), [JSON.stringify(options)], {
    execArgv: ["--import", "tsx", ...nodeArgs],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const outputs = await new Promise<StackOutputs>((resolve, reject) => {
    child.once("message", (message: { type?: string; outputs?: StackOutputs }) => {
      if (message.type === "ready" && message.outputs) resolve(message.outputs);
    });
    void exited.then(() => reject(new Error("the stack process exited before it was ready")));
  });
  return {
    child,
    outputs,
    async iamDecisions() {
      const message = await ask<{ type?: string } & Partial<IamDecisionCounts>>(child, { type: "iam-decisions" });
      return { hits: message.hits ?? 0, misses: message.misses ?? 0 };
    },
    async setIamGate(enforced) {
      const reply = await ask<IamGateReply>(child, { type: "iam-gate", enforced });
      if ("refused" in reply) throw new IamGateRefusedError(reply.refused);
    },
    async stop() {
      child.send({ type: "stop" });
      await exited;
    },
  };
}
