/**
 * `npm run usage` arguments: pure parsing with one clear error per mistake.
 */
export const USAGE_HELP = [
  "usage: npm run usage -- [--tenant T] [--user U] [--since YYYY-MM-DD] [--json] [--chart FILE.svg] [--outputs F] [--config F]",
  "  a table per tenant and user since a day (default: the first of this month, UTC): asks, model",
  "  tokens in/out, estimated cost (the stack's model) and budget used (a tenant's this month and",
  "  today; a user's today, against the per-user daily limit)",
  "  --tenant T     one tenant only",
  "  --user U       one user only (a username of the user pool)",
  "  --since D      from this UTC day (YYYY-MM-DD) to today",
  "  --json         print {\"tenants\":[{tenantId, asks, inputTokens, outputTokens, estimatedCostUsd, users:[…]}]}",
  "  --chart FILE   also draw tokens per tenant per day as an SVG chart",
  "  --outputs F    stack outputs JSON (default: $STACK_OUTPUTS or .local/stack-outputs.json)",
  "  --config F     stack config for the model and budgets (default: $STACK_CONFIG or Pulumi.dev.yaml)",
  "  --help, -h     show this help",
].join("\n");

export class UsageArgumentsError extends Error {
  readonly code = "bad_arguments";
  constructor(message: string) {
    super(message);
    this.name = "UsageArgumentsError";
  }
}

export interface UsageArgs {
  tenant?: string;
  user?: string;
  /** YYYY-MM-DD, UTC. */
  since: string;
  json: boolean;
  chart?: string;
  outputs?: string;
  config?: string;
}

const VALUE_FLAGS = ["--tenant", "--user", "--since", "--chart", "--outputs", "--config"] as const;

/** Pure: a real calendar day `YYYY-MM-DD`, or undefined. */
export function parseDay(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? text : undefined;
}

/** Pure: argv (after `--`) → arguments; `now` gives the default --since (the month's first day). */
export function parseUsageArgs(argv: readonly string[], now: Date): UsageArgs {
  const values: Partial<Record<(typeof VALUE_FLAGS)[number], string>> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") {
      json = true;
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(arg)) {
      throw new UsageArgumentsError(arg.startsWith("-") ? `unknown option ${arg} (see --help)` : `unexpected argument "${arg}" (see --help)`);
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageArgumentsError(`${arg} needs a value`);
    if (values[arg as (typeof VALUE_FLAGS)[number]] !== undefined) throw new UsageArgumentsError(`${arg} given twice`);
    values[arg as (typeof VALUE_FLAGS)[number]] = value;
    i++;
  }
  const today = now.toISOString().slice(0, 10);
  let since = `${today.slice(0, 7)}-01`;
  if (values["--since"] !== undefined) {
    const day = parseDay(values["--since"]);
    if (!day) throw new UsageArgumentsError(`--since must be a calendar day YYYY-MM-DD (got "${values["--since"].slice(0, 20)}")`);
    if (day > today) throw new UsageArgumentsError(`--since ${day} is after today (${today}, UTC)`);
    since = day;
  }
  if (values["--chart"] !== undefined && !values["--chart"].toLowerCase().endsWith(".svg")) {
    throw new UsageArgumentsError("--chart needs a file name ending in .svg");
  }
  return {
    since,
    json,
    ...(values["--tenant"] !== undefined ? { tenant: values["--tenant"] } : {}),
    ...(values["--user"] !== undefined ? { user: values["--user"] } : {}),
    ...(values["--chart"] !== undefined ? { chart: values["--chart"] } : {}),
    ...(values["--outputs"] !== undefined ? { outputs: values["--outputs"] } : {}),
    ...(values["--config"] !== undefined ? { config: values["--config"] } : {}),
  };
}
