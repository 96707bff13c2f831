/**
 * `npm run web -- [--outputs FILE] [--port N]`: serve the page in `web/` for any stack
 * (local/hosting/page-server.ts), configured from that stack's outputs file.
 */
import type http from "node:http";
import { relative } from "node:path";
import { startWebServer, WEB_DIR, WEB_HOST, webConfigFromOutputs, type WebConfig } from "../local/hosting/page-server";
import { loadStackOutputs, resolveOutputsPath, StackOutputsError } from "../local/runtime/stack-outputs";

export const DEFAULT_WEB_PORT = 8080;

export class WebServerUsageError extends Error {
  readonly code = "bad_arguments";
  constructor(message: string) {
    super(message);
    this.name = "WebServerUsageError";
  }
}

export const USAGE = "usage: npm run web -- [--outputs FILE] [--port N]   (defaults: $STACK_OUTPUTS or .local/stack-outputs.json, port 8080)";

export interface WebServerArgs {
  outputs?: string;
  port: number;
  help: boolean;
}

/** Pure: parse the CLI arguments, or throw a WebServerUsageError that says what is wrong. */
export function parseWebServerArgs(argv: readonly string[]): WebServerArgs {
  const args: WebServerArgs = { port: DEFAULT_WEB_PORT, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "" || (inline === undefined && v.startsWith("--"))) {
        throw new WebServerUsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case "--outputs":
        args.outputs = value();
        break;
      case "--port": {
        const raw = value();
        const port = Number(raw);
        if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
          throw new WebServerUsageError(`--port must be a whole number from 1 to 65535, got ${JSON.stringify(raw)}`);
        }
        args.port = port;
        break;
      }
      case "--help":
      case "-h":
        args.help = true;
        break;
      default:
        throw new WebServerUsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return args;
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** The CLI: returns the running server, or an exit code after printing a one-line reason. */
export async function runWebServerCli(
  argv: readonly string[],
  io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env },
): Promise<http.Server | number> {
  let args: WebServerArgs;
  try {
    args = parseWebServerArgs(argv);
  } catch (error) {
    if (!(error instanceof WebServerUsageError)) throw error;
    io.err(`web: ${error.message}`);
    io.err(USAGE);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  let config: WebConfig;
  try {
    config = webConfigFromOutputs(loadStackOutputs(resolveOutputsPath(args.outputs, io.env)));
  } catch (error) {
    if (!(error instanceof StackOutputsError)) throw error;
    io.err(`web: ${error.message}`);
    return 1;
  }
  try {
    const { server, url } = await startWebServer({ config, port: args.port });
    io.out(`web: serving ${relative(process.cwd(), WEB_DIR) || "."} at ${url}`);
    io.out(`web: WebSocket ${config.webSocketUrl}, Cognito ${config.cognitoEndpoint}`);
    return server;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(
      code === "EADDRINUSE"
        ? `web: port ${args.port} on ${WEB_HOST} is already in use; pick another with --port N`
        : `web: cannot listen on ${WEB_HOST}:${args.port} (${code ?? String(error)})`,
    );
    return 1;
  }
}

if (require.main === module) {
  runWebServerCli(process.argv.slice(2)).then(
    (result) => {
      if (typeof result === "number") {
        process.exitCode = result;
        return;
      }
      const stop = () => result.close(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    },
    (error: unknown) => {
      console.error(`web: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
