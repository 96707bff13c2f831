/**
 * `npx tsx scripts/bench/noisy-neighbour.ts [--asks N] [--no-write]`: does one tenant's flood slow
 * another's answers? Boots its OWN local stack on free ports from a generated stack config
 * (tenant A with a used-up-at-once daily token budget, tenant B without one, a third tenant
 * for the rate-limit flood, several users each) and measures tenant B's ask → done latency
 * (p50, p99) three times with the same sequence of asks:
 *
 * - alone;
 * - while tenant A floods with asks its budget refuses (`budget_exhausted`, 10 connections
 *   asking back to back);
 * - while a tenant floods past its per-user ask limit (30/min: 10 connections asking back
 *   to back, so 10× the limit and more; the first 30 a minute per user are answered).
 *
 * Writes `noisyNeighbour` into bench/results/latest.json (docs/performance.md). It signs in
 * as the generated users, so it never targets a stack it did not create.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack } from "../../local/stack";
import { signInDemoUser } from "../stack-client/sign-in";
import { connectAs, type StackConnection } from "../stack-client/ws-client";
import { describeError } from "./describe-error";
import { benchArgs } from "./bench-args";
import { mergeIntoLatest, percentile, round1 } from "./results-file";

const CONFIG = `config:
  aws:region: us-east-1
  multi-tenant-assistant:tenants:
    - id: tenant-a
      displayName: Tenant A
      returnPolicyDays: 10
      users: [a-1, a-2, a-3, a-4, a-5]
      budget: { dailyTokens: 1 }
    - id: tenant-b
      displayName: Tenant B
      returnPolicyDays: 20
      users: [b-1, b-2, b-3, b-4]
    - id: tenant-c
      displayName: Tenant C
      returnPolicyDays: 30
      users: [c-1, c-2, c-3, c-4, c-5]
`;

interface Phase {
  p50: number;
  p99: number;
  max: number;
  failures: number;
  floodAsks: number;
  floodOutcomes: Record<string, number>;
}

async function main(): Promise<void> {
  const args = benchArgs("noisy-neighbour", { "--asks": "N" });
  const asks = Number(args.value("--asks") ?? 60);
  if (!Number.isInteger(asks) || asks < 4 || asks > 1000) {
    console.error("noisy-neighbour: --asks must be a whole number from 4 to 1000");
    process.exit(2);
  }
  const stateDir = mkdtempSync(join(tmpdir(), "mta-bench-noisy-"));
  const configFile = join(stateDir, "stack-config.yaml");
  writeFileSync(configFile, CONFIG);
  const stack = await startLocalStack({ ports: "free", stateDir, configFile });
  console.log(`local stack ready in ${stack.startupMs} ms`);
  try {
    const outputs = stack.outputs;
    const connect = async (username: string) => connectAs(outputs, await signInDemoUser(outputs, username));
    const byTenant = (tenant: string) => Object.keys(outputs.users).filter((u) => outputs.users[u] === tenant);
    const b = await Promise.all(byTenant("tenant-b").map(connect));
    const a = await Promise.all(byTenant("tenant-a").map(connect));
    const c = await Promise.all(byTenant("tenant-c").map(connect));
    // Tenant A's one answer the empty budget admits, and a warm-up for everyone.
    for (const connection of [...a, ...b, ...c]) await connection.ask("What is the return policy?");

    const phase = async (flooders: StackConnection[]): Promise<Phase> => {
      let flooding = flooders.length > 0;
      const floodOutcomes: Record<string, number> = {};
      let floodAsks = 0;
      const flood = flooders.flatMap((connection) =>
        [0, 1].map(async () => {
          while (flooding) {
            const answer = await connection.ask("What is the return policy?");
            floodAsks++;
            const key = answer.outcome === "done" ? "done" : (answer.errorCode ?? "error");
            floodOutcomes[key] = (floodOutcomes[key] ?? 0) + 1;
          }
        }),
      );
      if (flooding) await new Promise((r) => setTimeout(r, 1000)); // the flood is under way first
      const samples: number[] = [];
      let failures = 0;
      // Sequential asks rotating over B's users (each stays far under its per-user limit).
      for (let n = 0; n < asks; n++) {
        const t0 = performance.now();
        const answer = await b[n % b.length].ask(n % 2 === 0 ? "What is the return policy?" : "Which orders did I place?");
        samples.push(performance.now() - t0);
        if (answer.outcome !== "done") failures++;
      }
      flooding = false;
      await Promise.all(flood);
      samples.sort((x, y) => x - y);
      return { p50: round1(percentile(samples, 50)), p99: round1(percentile(samples, 99)), max: round1(samples[samples.length - 1]), failures, floodAsks, floodOutcomes };
    };

    const alone = await phase([]);
    console.log(`tenant B alone:                     p50 ${alone.p50} ms, p99 ${alone.p99} ms, failures ${alone.failures}`);
    const budgetFlood = await phase(a);
    console.log(
      `tenant B, A flooding over budget:   p50 ${budgetFlood.p50} ms, p99 ${budgetFlood.p99} ms, failures ${budgetFlood.failures}; A: ${budgetFlood.floodAsks} asks ${JSON.stringify(budgetFlood.floodOutcomes)}`,
    );
    const rateFlood = await phase(c);
    console.log(
      `tenant B, C flooding over its limit: p50 ${rateFlood.p50} ms, p99 ${rateFlood.p99} ms, failures ${rateFlood.failures}; C: ${rateFlood.floodAsks} asks ${JSON.stringify(rateFlood.floodOutcomes)}`,
    );
    if (args.write) mergeIntoLatest({ noisyNeighbour: { asksOfB: asks, alone, overBudgetFlood: budgetFlood, overRateLimitFlood: rateFlood } });
    await Promise.all([...a, ...b, ...c].map((connection) => connection.close()));
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${describeError(error)}`);
  process.exit(1);
});
