/**
 * `npx tsx scripts/bench/ask-latency.ts [--asks N]`: median and p99 of ask → done over a
 * real WebSocket connection with a real sign-in. It always boots its OWN local stack on
 * free ports (per-user ask limit raised to its maximum) and stops it afterwards: it signs
 * in as a demo user, which changes that user's password, so it never targets a stack it
 * did not create.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { signInDemoUser } from "../stack-client/sign-in";
import { connectAs } from "../stack-client/ws-client";
import { describeError } from "./describe-error";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const asks = Number(flag("--asks") ?? 200);
  if (!Number.isInteger(asks) || asks < 1 || asks > 10_000) {
    console.error("ask-latency: --asks must be a whole number from 1 to 10000");
    process.exit(2);
  }
  const stack: LocalStack = await startLocalStack({
    ports: "free",
    stateDir: mkdtempSync(join(tmpdir(), "mta-bench-")),
    // One user sends every ask: measure latency, not the per-user limit (the maximum).
    askRateLimit: { perUserPerMinute: 1000 },
  });
  console.log(`local stack ready in ${stack.startupMs} ms`);
  try {
    const outputs = stack.outputs;
    const username = Object.keys(outputs.users)[0];
    const user = await signInDemoUser(outputs, username);
    const connection = await connectAs(outputs, user);
    for (let i = 0; i < 5; i++) await connection.ask("What is the return policy?"); // warm-up
    const samples: number[] = [];
    let failures = 0;
    for (let i = 0; i < asks; i++) {
      const t0 = performance.now();
      const answer = await connection.ask(i % 2 === 0 ? "What is the return policy?" : "Which orders did I place?");
      samples.push(performance.now() - t0);
      if (answer.outcome !== "done") failures++;
    }
    await connection.close();
    samples.sort((a, b) => a - b);
    console.log(
      `ask→done over ${asks} asks: median ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms, max ${samples[samples.length - 1].toFixed(1)} ms, failures ${failures}`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${describeError(error)}`);
  process.exit(1);
});
