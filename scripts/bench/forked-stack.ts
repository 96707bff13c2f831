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
  /** Asks the stack to stop and waits for its process to exit. */
  stop(): Promise<void>;
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
    async stop() {
      child.send({ type: "stop" });
      await exited;
    },
  };
}
