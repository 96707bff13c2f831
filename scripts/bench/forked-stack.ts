/**
 * The parent side of stack-process.ts: the local stack forked into a process of its own,
 * so a benchmark's CPU figures keep the stack's CPU apart from its own (process-cpu.ts).
 */
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { StackOutputs } from "../../local/runtime/stack-outputs";
import type { StartLocalStackOptions } from "../../local/stack";

export interface ForkedStack {
  readonly child: ChildProcess;
  readonly outputs: StackOutputs;
  /** The stack process's IAM decision cache: hits and misses since it started. */
  iamDecisions(): Promise<IamDecisionCounts>;
  /** Asks the stack to stop and waits for its process to exit. */
  stop(): Promise<void>;
}

export interface IamDecisionCounts {
  hits: number;
  misses: number;
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
    iamDecisions: () =>
      new Promise<IamDecisionCounts>((resolve) => {
        const answer = (message: { type?: string } & Partial<IamDecisionCounts>) => {
          if (message.type !== "iam-decisions") return;
          child.off("message", answer);
          resolve({ hits: message.hits ?? 0, misses: message.misses ?? 0 });
        };
        child.on("message", answer);
        child.send({ type: "iam-decisions" });
      }),
    async stop() {
      child.send({ type: "stop" });
      await exited;
    },
  };
}
