/**
 * The benchmarks' command-line options, parsed one way for all of them: each script names
 * the options it takes; every script also takes `--no-write` (measure and print, but leave
 * bench/results untouched: a run in a checkout whose figures are not to change, or a quick
 * look while comparing two builds). Anything else is refused with the script's name and
 * its options, never ignored: a mistyped `--no-wirte` would otherwise overwrite the
 * figures it was meant to keep.
 */

/**
 * What an option takes: nothing (`"switch"`: `--no-write`), or a value after it, named by
 * its placeholder in messages (`"N"`: `--asks 40`).
 */
export type OptionKind = "switch" | (string & {});
export type OptionSpec = Readonly<Record<`--${string}`, OptionKind>>;

export class BenchArgumentError extends Error {
  override readonly name = "BenchArgumentError";
  readonly code = "bench_argument";
}

export interface BenchArgs {
  /** False with `--no-write`: nothing may be written under bench/results. */
  readonly write: boolean;
  /** An option's value, undefined when not given. */
  value(name: `--${string}`): string | undefined;
  /** Whether a switch was given. */
  has(name: `--${string}`): boolean;
}

const NO_WRITE = "--no-write";

/** How the options read in an error message: `--asks N, --no-write`. */
export function usage(options: OptionSpec): string {
  return Object.entries({ ...options, [NO_WRITE]: "switch" })
    .map(([name, kind]) => (kind === "switch" ? name : `${name} ${kind}`))
    .join(", ");
}

/** Pure: `argv` (without node and the script) read against `options`, or a BenchArgumentError. */
export function parseBenchArgs(script: string, argv: readonly string[], options: OptionSpec): BenchArgs {
  const spec: Record<string, OptionKind> = { ...options, [NO_WRITE]: "switch" };
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const refuse = (why: string) => new BenchArgumentError(`${script}: ${why} (options: ${usage(options)})`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const kind = Object.hasOwn(spec, arg) ? spec[arg] : undefined;
    if (kind === undefined) throw refuse(arg.startsWith("--") ? `unknown option ${arg}` : `unexpected argument ${JSON.stringify(arg)}`);
    if (values.has(arg) || switches.has(arg)) throw refuse(`${arg} given twice`);
    if (kind === "switch") {
      switches.add(arg);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw refuse(`${arg} needs a value`);
    values.set(arg, value);
    i += 1;
  }
  const known = (name: string) => {
    // A script asking for an option it did not declare is a bug in the script, not bad input.
    if (!Object.hasOwn(spec, name)) throw new Error(`${script}: option ${name} is not declared`);
  };
  return {
    write: !switches.has(NO_WRITE),
    value: (name) => {
      known(name);
      return values.get(name);
    },
    has: (name) => {
      known(name);
      return switches.has(name);
    },
  };
}

/** The running script's options; on bad input prints the error and exits with status 2. */
export function benchArgs(script: string, options: OptionSpec): BenchArgs {
  try {
    return parseBenchArgs(script, process.argv.slice(2), options);
  } catch (error) {
    if (!(error instanceof BenchArgumentError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
