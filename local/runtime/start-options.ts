/**
 * `npm start` options: `--port-base N` (or env LOCAL_PORT_BASE) moves every fixed port of
 * the local stack by the same amount, the page at N and the WebSocket API at N+10, so two
 * stacks (or a stack and something else on 4500) can run side by side. `--config FILE` runs
 * the stack from another stack configuration file (tenants, users, budgets) instead of
 * `Pulumi.dev.yaml`; the file itself is read and checked by infra/config-file.ts. Pure: no I/O.
 */

export const DEFAULT_PORT_BASE = 4500;
export const MIN_PORT_BASE = 1024;
/** The highest offset is 90 (bedrockAgent), so every port stays below 65536. */
export const MAX_PORT_BASE = 65000;

/** Each service's offset from the port base (the page and the WebSocket API are the ones people type). */
export const PORT_OFFSETS = {
  web: 0,
  apiGateway: 10,
  cognito: 20,
  dynamodb: 30,
  sts: 40,
  lambda: 50,
  bedrockAgentRuntime: 60,
  control: 70,
  s3: 80,
  bedrockAgent: 90,
} as const;
export type PortName = keyof typeof PORT_OFFSETS;

/** Pure: the fixed ports of a stack whose page is at `portBase`. */
export function portsFrom(portBase: number): Record<PortName, number> {
  return Object.fromEntries(Object.entries(PORT_OFFSETS).map(([name, offset]) => [name, portBase + offset])) as Record<PortName, number>;
}

export const START_USAGE = [
  "usage: npm start [-- [--port-base N] [--config FILE]]",
  `  --config FILE   the stack configuration to run (a Pulumi.<stage>.yaml-style file: tenants, users,`,
  `                  budgets, limits); default Pulumi.dev.yaml`,
  `  --port-base N   web page at N, API Gateway WebSocket at N+10, the other stand-ins at N+20..N+90`,
  `                  (an integer ${MIN_PORT_BASE}-${MAX_PORT_BASE}; default ${DEFAULT_PORT_BASE}, or env LOCAL_PORT_BASE)`,
].join("\n");

/** A bad `npm start` argument: `usage` says whether the usage text should follow the message. */
export class StartOptionsError extends Error {
  readonly code: "UNKNOWN_ARGUMENT" | "MISSING_VALUE" | "INVALID_PORT_BASE" | "INVALID_CONFIG_PATH";
  constructor(code: StartOptionsError["code"], message: string) {
    super(message);
    this.name = "StartOptionsError";
    this.code = code;
  }
}

export interface StartOptions {
  portBase: number;
  help: boolean;
  /** The stack configuration file, as given (relative to the working directory); undefined: Pulumi.dev.yaml. */
  configFile?: string;
}

function configPathValue(value: string | undefined): string {
  if (value === undefined || value === "" || value.startsWith("--")) throw new StartOptionsError("MISSING_VALUE", "--config needs a file name");
  if (value.includes("\0")) throw new StartOptionsError("INVALID_CONFIG_PATH", "--config must be a file name");
  return value;
}

/** An integer in MIN_PORT_BASE..MAX_PORT_BASE, written as plain decimal digits. */
export function parsePortBase(text: string, source: string): number {
  const value = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < MIN_PORT_BASE || value > MAX_PORT_BASE) {
    const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text;
    throw new StartOptionsError(
      "INVALID_PORT_BASE",
      `${source} must be an integer from ${MIN_PORT_BASE} to ${MAX_PORT_BASE} (got ${JSON.stringify(shown)})`,
    );
  }
  return value;
}

/** `argv` without node and the script; the flag wins over the environment. */
export function parseStartOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): StartOptions {
  let fromFlag: number | undefined;
  let help = false;
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      help = true;
    } else if (arg === "--config") {
      configFile = configPathValue(argv[i + 1]);
      i++;
    } else if (arg.startsWith("--config=")) {
      configFile = configPathValue(arg.slice("--config=".length));
    } else if (arg === "--port-base") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new StartOptionsError("MISSING_VALUE", "--port-base needs a value");
      fromFlag = parsePortBase(value, "--port-base");
      i++;
    } else if (arg.startsWith("--port-base=")) {
      fromFlag = parsePortBase(arg.slice("--port-base=".length), "--port-base");
    } else {
      const shown = arg.length > 40 ? `${arg.slice(0, 40)}…` : arg;
      throw new StartOptionsError("UNKNOWN_ARGUMENT", `unknown argument ${JSON.stringify(shown)}`);
    }
  }
  const fromEnv = env.LOCAL_PORT_BASE;
  const portBase = fromFlag ?? (fromEnv !== undefined && fromEnv !== "" ? parsePortBase(fromEnv, "LOCAL_PORT_BASE") : DEFAULT_PORT_BASE);
  return { portBase, help, ...(configFile !== undefined ? { configFile } : {}) };
}
