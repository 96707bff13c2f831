/**
 * The local stack of a load benchmark in a process of its own (forked by load.ts), so the
 * CPU the stack spends per ask is measured apart from the load generator's
 * (scripts/bench/process-cpu.ts). Options arrive as JSON in argv[2]; it answers
 * `{ type: "ready", outputs }` over IPC, answers `{ type: "iam-decisions" }` with the IAM
 * decision cache's hit and miss counts so far (local/iam/decision-cache.ts), and stops the
 * stack on `{ type: "stop" }` or when its parent goes away.
 */
import { iamDecisions } from "../../local/iam/policy-evaluation";
import { startLocalStack, type StartLocalStackOptions } from "../../local/stack";
import { describeError } from "./describe-error";

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as StartLocalStackOptions;
  const stack = await startLocalStack(options);
  const stop = () =>
    void stack.stop().finally(() => {
      process.exit(0);
    });
  process.on("message", (message: { type?: string }) => {
    if (message?.type === "stop") stop();
    if (message?.type === "iam-decisions") process.send?.({ type: "iam-decisions", hits: iamDecisions.hits, misses: iamDecisions.misses });
  });
  process.on("disconnect", stop);
  process.send?.({ type: "ready", outputs: stack.outputs });
}

main().catch((error: unknown) => {
  console.error(`stack failed to start: ${describeError(error)}`);
  process.exit(1);
});
