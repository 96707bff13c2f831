/**
 * `npm start`: the whole system on this machine. Prints a short ready banner (URLs,
 * users and their tenants, the outputs file, how to read a user's initial password:
 * never the password itself, I19); Ctrl-C stops everything.
 * A missing bundle or a bad config is one clear line and exit code 1; a busy port says
 * which process holds it (when it can tell), how to stop it, and how to move this stack
 * with `--port-base N` (or env LOCAL_PORT_BASE). `--config FILE` runs another stack configuration
 * (a missing or invalid file is one clear line naming it). A bad argument is the usage and exit code 2.
 */
import { relative, resolve } from "node:path";
import { ConfigError } from "../infra/config";
import { MissingBundleError } from "./lambda/lambda-service";
import { PortInUseError } from "./runtime/listen";
import { findPortHolder, portInUseMessage } from "./runtime/port-holder";
import { startLocalStack, ROOT_DIR, type LocalStack } from "./stack";
import { parseStartOptions, portsFrom, START_USAGE, StartOptionsError, type StartOptions } from "./runtime/start-options";

function readOptions(): StartOptions {
  try {
    return parseStartOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof StartOptionsError)) throw error;
    console.error(`npm start: ${error.message}\n${START_USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  // The SDK's multi-line Node 20 deprecation notice would bury the banner; it is said once below instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const options = readOptions();
  if (options.help) {
    console.log(START_USAGE);
    process.exit(0);
  }
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      ports: "default",
      portBase: options.portBase,
      ...(options.configFile !== undefined ? { configFile: resolve(options.configFile) } : {}),
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      const ports = Object.values(portsFrom(options.portBase));
      console.error(portInUseMessage(error.port, error.service, ports, findPortHolder(error.port), options.portBase));
      process.exit(1);
    }
    const known = error instanceof MissingBundleError || error instanceof ConfigError;
    console.error(`npm start: ${known ? (error as Error).message : `could not start the local stack: ${(error as Error).message}`}`);
    process.exit(1);
  }
  const o = stack.outputs;
  const users = Object.entries(o.users)
    .map(([user, tenant]) => `    ${user.padEnd(16)} ${tenant}`)
    .join("\n");
  console.log(
    [
      "",
      `  multi-tenant-assistant (local) ready in ${(stack.startupMs / 1000).toFixed(1)} s`,
      "",
      `  Web page      ${o.webUrl}`,
      `  WebSocket     ${o.webSocketUrl}   (subprotocol ${o.webSocketProtocol})`,
      `  Outputs       ${relative(process.cwd(), stack.outputsFile) || stack.outputsFile}`,
      `  Config        ${options.configFile ?? "Pulumi.dev.yaml"}`,
      `  Function logs ${relative(process.cwd(), ROOT_DIR) || "."}/.local/logs/`,
      "",
      "  Users (username, tenant; a new password is asked at first sign-in)",
      users,
      `  Initial password: npm run initial-password -- ${Object.keys(o.users)[0] ?? "<username>"}`,
      "",
      "  Add orders:   npm run orders -- tenant1-user add --total 42.50",
      "  Ctrl-C to stop.",
      ...(Number(process.versions.node.split(".")[0]) < 22
        ? ["", `  Note: Node ${process.versions.node} works; AWS SDK releases after January 2027 need Node 22 (Lambda runs nodejs22.x).`]
        : []),
      "",
    ].join("\n"),
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n  ${signal}: stopping…`);
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

void main();
