/**
 * The red team's figures: attacks tried by kind, leaks found (must be 0), honest
 * requests served. Each test file writes its part to test-output/redteam/parts/; every
 * file's afterAll merges the parts of this Jest process (same pid) into
 * test-output/redteam-summary.json and prints the table, so the last one is complete.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT_DIR } from "../../../support/stack/outputs";

export interface TallyData {
  attacks: Record<string, number>;
  leaks: number;
  honestServed: number;
  skipped: string[];
}

export class RedTeamTally {
  readonly data: TallyData = { attacks: {}, leaks: 0, honestServed: 0, skipped: [] };

  attack(kind: string, count = 1): void {
    this.data.attacks[kind] = (this.data.attacks[kind] ?? 0) + count;
  }

  honest(count = 1): void {
    this.data.honestServed += count;
  }

  leaks(count: number): void {
    this.data.leaks += count;
  }

  skipped(what: string): void {
    this.data.skipped.push(what);
  }
}

export function mergeTallies(parts: readonly TallyData[]): TallyData {
  const merged: TallyData = { attacks: {}, leaks: 0, honestServed: 0, skipped: [] };
  for (const part of parts) {
    for (const [kind, n] of Object.entries(part.attacks)) merged.attacks[kind] = (merged.attacks[kind] ?? 0) + n;
    merged.leaks += part.leaks;
    merged.honestServed += part.honestServed;
    merged.skipped.push(...part.skipped);
  }
  return merged;
}

export function summaryTable(data: TallyData): string {
  const rows = Object.entries(data.attacks).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(24, ...rows.map(([k]) => k.length));
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  return [
    "red team summary",
    `  ${"attack kind".padEnd(width)}  tried`,
    ...rows.map(([kind, n]) => `  ${kind.padEnd(width)}  ${String(n).padStart(5)}`),
    `  ${"TOTAL attacks".padEnd(width)}  ${String(total).padStart(5)}`,
    `  ${"leaks found".padEnd(width)}  ${String(data.leaks).padStart(5)}`,
    `  ${"honest requests served".padEnd(width)}  ${String(data.honestServed).padStart(5)}`,
    ...(data.skipped.length ? [`  skipped: ${data.skipped.join("; ")}`] : []),
  ].join("\n");
}

/** Writes this file's part, merges the run's parts, writes the summary JSON, prints the table. */
export function reportTally(tag: string, tally: RedTeamTally, outDir = join(ROOT_DIR, "test-output")): TallyData {
  const partsDir = join(outDir, "redteam", "parts");
  mkdirSync(partsDir, { recursive: true });
  writeFileSync(join(partsDir, `${tag}.json`), JSON.stringify({ pid: process.pid, tally: tally.data }));
  const parts = readdirSync(partsDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(partsDir, f), "utf8")) as { pid: number; tally: TallyData })
    .filter((p) => p.pid === process.pid)
    .map((p) => p.tally);
  const merged = mergeTallies(parts);
  writeFileSync(join(outDir, "redteam-summary.json"), `${JSON.stringify({ ...merged, totalAttacks: Object.values(merged.attacks).reduce((a, b) => a + b, 0) }, null, 2)}\n`);
  process.stdout.write(`\n${summaryTable(merged)}\n`);
  return merged;
}
