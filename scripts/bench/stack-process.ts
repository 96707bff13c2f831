/**
 * The local stack of a load benchmark in a process of its own (forked by load.ts), so the
 * CPU the stack spends per ask is measured apart from the load generator's
 * (scripts/bench/process-cpu.ts). Options arrive as JSON in argv[2]; it answers
 * `{ type: "ready", outputs }` over IPC, answers `{ type: "iam-decisions" }` with the IAM
 * decision cache's hit and miss counts so far (local/iam/decision-cache.ts) and
 * `{ type: "iam-gate", enforced }` by switching the IAM gate (the stack refuses unless
 * started with `benchmarkOnly.iamGateSwitch`: local/iam/iam-gate.ts), and stops the stack
 * on `{ type: "stop" }` or when its parent goes away. The IPC channel is this process's
 * parent's alone: the switch has no port, flag or variable (T25a).
 */
import { iamDecisions } from "../../local/iam/policy-evaluation";
import { startLocalStack, type LocalStack, type StartLocalStackOptions } from "../../local/stack";
import { describeError } from "./describe-error";

/** What the parent sends; anything else is ignored. */
export type StackProcessRequest = { type: "stop" } | { type: "iam-decisions" } | { type: "iam-gate"; enforced: boolean };

export type IamGateReply = { type: "iam-gate"; enforced: boolean } | { type: "iam-gate"; refused: string };

/** Switches the gate as asked; a stack without the benchmark switch, or a malformed request, is refused (the gate unchanged). */
export function answerIamGate(stack: Pick<LocalStack, "setIamGate">, message: { enforced?: unknown }): IamGateReply {
  if (typeof message.enforced !== "boolean") return { type: "iam-gate", refused: "enforced must be true or false" };
  try {
    stack.setIamGate(message.enforced);
    return { type: "iam-gate", enforced: message.enforced };
  } catch (error) {
    return { type: "iam-gate", refused: describeError(error) };
  }
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as StartLocalStackOptions;
  const stack = await startLocalStack(options);
  const stop = () =>
    void stack.stop().finally(() => {
      process.exit(0);
    });
  process.on("message", (message: Partial<StackProcessRequest> & { enforced?: unknown }) => {
    if (message?.type === "stop") stop();
    if (message?.type === "iam-decisions") process.send?.({ type: "iam-decisions", hits: iamDecisions.hits, misses: iamDecisions.misses });
    if (message?.type === "iam-gate") process.send?.(answerIamGate(stack, message));
  });
  process.on("disconnect", stop);
  process.send?.({ type: "ready", outputs: stack.outputs });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`stack failed to start: ${describeError(error)}`);
    process.exit(1);
  });
}
