/**
 * The load benchmark's `--environments`: how many execution environments each Lambda
 * function may run (local/stack.ts `environmentsPerFunction`, `environmentsByFunction`).
 *
 * Lambda scales each function on its own, to its arrival rate times its duration. Per ask
 * the chat function is held twice, the `ask` route for a few milliseconds and the answer
 * step for the agent's whole turn (the action group's invocation, the `done` post and the
 * metering writes inside it); the action group once, for its one read. At 100 asks/s on
 * this machine that is about two environments' worth of chat time and half of one of the
 * action group's, so with one environment per core for both, the chat function's
 * invocations queued while the cores still had time to spare. More environments for every
 * function cost CPU instead (each process keeps its own caches and connections, and the
 * two cores switch between more of them). Hence the default: one per core (at least 2),
 * and one more for the chat function (docs/performance.md, "Throughput").
 */
import { FUNCTION_NAMES, type FunctionName } from "../../infra/naming";
import { BenchArgumentError } from "./bench-args";

export interface EnvironmentCaps {
  /** Every function's cap unless named in `byFunction`. */
  perFunction: number;
  byFunction: Partial<Record<FunctionName, number>>;
}

/** One per core, at least 2; the chat function one more. */
export function defaultEnvironmentCaps(cores: number): EnvironmentCaps {
  const perFunction = Math.max(2, cores);
  return { perFunction, byFunction: { chat: perFunction + 1 } };
}

function wholeNumber(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1) throw new BenchArgumentError(`load: --environments: ${what} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * Pure: `--environments` read against the default. `N` sets every function's cap (the
 * chat function's too); `name=N` one function's (`chat=4`); both may be combined,
 * separated by commas (`2,chat=4`). A function not named keeps the default.
 */
export function parseEnvironmentCaps(text: string | undefined, cores: number): EnvironmentCaps {
  const defaults = defaultEnvironmentCaps(cores);
  if (text === undefined) return defaults;
  const parts = text.split(",").map((part) => part.trim());
  const all = parts.filter((part) => !part.includes("="));
  if (all.length > 1) throw new BenchArgumentError(`load: --environments: one number for every function at most, got ${JSON.stringify(text)}`);
  // A number for every function replaces the default's chat cap too.
  const perFunction = all.length === 1 ? wholeNumber(all[0], "the number for every function") : defaults.perFunction;
  const byFunction: Partial<Record<FunctionName, number>> = all.length === 1 ? {} : { ...defaults.byFunction };
  const named = new Set<string>();
  for (const part of parts.filter((p) => p.includes("="))) {
    const [name, value] = part.split("=", 2);
    if (!(FUNCTION_NAMES as readonly string[]).includes(name)) {
      throw new BenchArgumentError(`load: --environments: no function named ${JSON.stringify(name)} (functions: ${FUNCTION_NAMES.join(", ")})`);
    }
    if (named.has(name)) throw new BenchArgumentError(`load: --environments: ${name} given twice`);
    named.add(name);
    byFunction[name as FunctionName] = wholeNumber(value, name);
  }
  return { perFunction, byFunction };
}

/** How the caps read in the benchmark's output: `chat 3, others 2`. */
export function describeEnvironmentCaps(caps: EnvironmentCaps): string {
  const named = Object.entries(caps.byFunction).map(([name, n]) => `${name} ${n}`);
  return [...named, `${named.length > 0 ? "others" : "every function"} ${caps.perFunction}`].join(", ");
}
