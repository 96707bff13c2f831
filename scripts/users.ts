/**
 * `npm run users -- <command> [--outputs F]`: the operator's user lifecycle on any stack
 * (scripts/user-admin.ts does the work). Locally through the outputs file's admin keys
 * and endpoints, on AWS with the operator's own credentials.
 */
import { loadStackOutputs, resolveOutputsPath, StackOutputsError } from "../local/runtime/stack-outputs";
import { operatorClients, type OperatorClients } from "./operator-clients";
import {
  addUser,
  disableUser,
  enableUser,
  listUsers,
  removeUser,
  resetPassword,
  signOutUser,
  UserAdminError,
  type UserSummary,
} from "./user-admin";

export const USAGE = [
  "usage: npm run users -- <command> [--outputs FILE]",
  "  list [--tenant T] [--json]       the pool's users (username, tenant, status, enabled)",
  "  add <username> --tenant T        create a user of tenant T; prints the temporary password once",
  "  disable <username>               disable the user and end their access within seconds",
  "  enable <username>                let a disabled user sign in again",
  "  remove <username>                delete the user and end their access within seconds",
  "  reset-password <username>        a new temporary password (printed once); ends the user's sessions",
  "  sign-out <username>              end every session and connection of the user",
  "  --outputs   stack outputs JSON (default: $STACK_OUTPUTS or .local/stack-outputs.json)",
  "  --help, -h  show this help",
].join("\n");

export class UsersUsageError extends Error {
  readonly code = "bad_arguments";
  constructor(message: string) {
    super(message);
    this.name = "UsersUsageError";
  }
}

const COMMANDS = ["list", "add", "disable", "enable", "remove", "reset-password", "sign-out"] as const;
export type UsersCommand = (typeof COMMANDS)[number];

export interface UsersArgs {
  command: UsersCommand;
  username?: string;
  tenant?: string;
  json: boolean;
  outputs?: string;
}

const VALUE_FLAGS = new Set(["--outputs", "--tenant"]);

/** Pure: argv (after `--`) → arguments, or a UsersUsageError naming the mistake. */
export function parseUsersArgs(argv: readonly string[]): UsersArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") json = true;
    else if (arg.startsWith("-")) {
      if (!VALUE_FLAGS.has(arg)) throw new UsersUsageError(`unknown option ${arg} (see --help)`);
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsersUsageError(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
      i++;
    } else positional.push(arg);
  }
  const [command, username, ...extra] = positional;
  if (command === undefined) throw new UsersUsageError(`expected a command (${COMMANDS.join(", ")})`);
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsersUsageError(`unknown command "${command}" (${COMMANDS.join(", ")})`);
  const cmd = command as UsersCommand;
  if (extra.length > 0) throw new UsersUsageError(`unexpected argument "${extra[0]}"`);
  if (cmd === "list") {
    if (username !== undefined) throw new UsersUsageError(`list takes no username (use --tenant to filter)`);
  } else if (username === undefined) throw new UsersUsageError(`${cmd} needs a <username>`);
  if (cmd === "add" && flags.tenant === undefined) throw new UsersUsageError("add needs --tenant T");
  if (cmd !== "add" && cmd !== "list" && flags.tenant !== undefined) throw new UsersUsageError(`--tenant does not apply to ${cmd}`);
  if (json && cmd !== "list") throw new UsersUsageError("--json applies to list only");
  return { command: cmd, username, tenant: flags.tenant, json, outputs: flags.outputs };
}

export function formatUsers(users: readonly UserSummary[]): string {
  if (users.length === 0) return "no users";
  const rows = users.map((u) => [u.username, u.tenantId ?? "-", u.status, u.enabled ? "enabled" : "disabled"]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join("  ")).join("\n");
}

const NO_FUNCTION_NOTE = "note: these outputs name no offboarding function; open connections end when the user pool's CloudTrail event reaches the EventBridge rule";

export async function runUsersCli(argv: readonly string[], io = { out: console.log, err: console.error }): Promise<number> {
  if (argv.some((a) => a === "--help" || a === "-h")) {
    io.out(USAGE);
    return 0;
  }
  let c: OperatorClients | undefined;
  try {
    const args = parseUsersArgs(argv);
    c = operatorClients(loadStackOutputs(resolveOutputsPath(args.outputs)));
    const name = args.username ?? "";
    const offboarded = (what: string, outcome: "done" | "no_function") => {
      io.out(`${what} ${name}; their connections are closed and their tokens refused`);
      if (outcome === "no_function") io.err(NO_FUNCTION_NOTE);
    };
    switch (args.command) {
      case "list": {
        const users = await listUsers(c, args.tenant);
        io.out(args.json ? JSON.stringify(users, null, 2) : formatUsers(users));
        break;
      }
      case "add": {
        const { temporaryPassword } = await addUser(c, name, args.tenant ?? "");
        io.out(`added ${name} to ${args.tenant}; temporary password (shown once): ${temporaryPassword}`);
        break;
      }
      case "disable":
        offboarded("disabled", await disableUser(c, name));
        break;
      case "enable":
        await enableUser(c, name);
        io.out(`enabled ${name}; they can sign in again`);
        break;
      case "remove":
        offboarded("removed", await removeUser(c, name));
        break;
      case "sign-out":
        offboarded("signed out", await signOutUser(c, name));
        break;
      case "reset-password": {
        const { temporaryPassword, offboarding } = await resetPassword(c, name);
        io.out(`reset ${name}; temporary password (shown once): ${temporaryPassword}`);
        if (offboarding === "no_function") io.err(NO_FUNCTION_NOTE);
        break;
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof UsersUsageError) io.err(`${error.message}\n${USAGE}`);
    else if (error instanceof UserAdminError || error instanceof StackOutputsError) io.err(error.message);
    else io.err(`users: ${(error as Error).name}: ${(error as Error).message}`);
    return error instanceof UsersUsageError ? 2 : 1;
  } finally {
    c?.destroy();
  }
}

if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  runUsersCli(process.argv.slice(2)).then((code) => process.exit(code));
}
