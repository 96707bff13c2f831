/**
 * Where `npm run bench` puts its figures: bench/results/latest.json (each benchmark merges
 * its own top-level keys into it, so they can also run one at a time) and the charts
 * beside it. Also the small helpers every benchmark shares: percentiles and the machine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

export const RESULTS_DIR = join(__dirname, "..", "..", "bench", "results");
export const LATEST_FILE = join(RESULTS_DIR, "latest.json");

/** The machine the figures were measured on: they mean little without it. */
export function machine(): { cpus: number; cpuModel: string; memoryGb: number; node: string } {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? "unknown", memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
}

/**
 * Merges `part` into latest.json (top-level keys replaced), stamping the time, the machine
 * and, for each key written, the machine's 1-, 5- and 15-minute load averages when it was
 * written (`loadAverages`): on a shared machine a figure means little without them.
 */
export function mergeIntoLatest(part: Record<string, unknown>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  let current: Record<string, unknown> = {};
  if (existsSync(LATEST_FILE)) {
    try {
      current = JSON.parse(readFileSync(LATEST_FILE, "utf8")) as Record<string, unknown>;
    } catch {
      current = {};
    }
  }
  const load = loadavg().map((n) => Math.round(n * 100) / 100);
  const loadAverages = { ...(current.loadAverages as Record<string, number[]> | undefined), ...Object.fromEntries(Object.keys(part).map((key) => [key, load])) };
  const next = { ...current, ...part, loadAverages, measuredAt: new Date().toISOString(), machine: machine() };
  writeFileSync(LATEST_FILE, `${JSON.stringify(next, null, 2)}\n`);
}

export function writeResultFile(name: string, content: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, name);
  writeFileSync(file, content);
  return file;
}

/** Nearest-rank percentile of unsorted samples (p in 0..100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round1 = (n: number): number => Math.round(n * 10) / 10;
