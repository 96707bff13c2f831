/**
 * `npm run initial-password -- <username> [--outputs F] [--stack NAME]`: prints one
 * configured user's initial (temporary) password, once, for the operator to hand over.
 * The only command that prints a stack's initial passwords (I19): the outputs file holds
 * none, and `npm start` names the command instead of printing them. Locally from the
 * stack's owner-only file, on AWS from the stack's secret output through the Pulumi CLI
 * (stack-client/initial-passwords.ts). The password goes to standard output alone, the
 * note about it to standard error.
 */
import { InitialPasswordsFileError } from "../local/runtime/initial-passwords-file";
import { loadStackOutputs, resolveOutputsPath, StackOutputsError } from "../local/runtime/stack-outputs";
import { initialPasswordOf, InitialPasswordError, type InitialPasswordOptions } from "./stack-client/initial-passwords";

export const USAGE = [
  "usage: npm run initial-password -- <username> [--outputs FILE] [--stack NAME]",
  "  prints the user's initial (temporary) password; they choose their own at first sign-in,",
  "  and it expires after the stack's temporaryPasswordValidityDays (then: npm run users -- reset-password <username>)",
  "  --outputs   stack outputs JSON (default: $STACK_OUTPUTS or .local/stack-outputs.json)",
  "  --stack     AWS only: the Pulumi stack to read (default: the project's selected stack); needs the Pulumi CLI",
  "  --help, -h  show this help",
].join("\n");

export class InitialPasswordUsageError extends Error {
  readonly code = "bad_arguments";
  constructor(message: string) {
    super(message);
    this.name = "InitialPasswordUsageError";
  }
}

export interface InitialPasswordArgs {
  username: string;
  outputs?: string;
  stack?: string;
}

const VALUE_FLAGS = new Set(["--outputs", "--stack"]);

/** Pure: argv (after `--`) → arguments, or an InitialPasswordUsageError naming the mistake. */
export function parseInitialPasswordArgs(argv: readonly string[]): InitialPasswordArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("-")) {
      if (!VALUE_FLAGS.has(arg)) throw new InitialPasswordUsageError(`unknown option ${arg} (see --help)`);
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("-")) throw new InitialPasswordUsageError(`${arg} needs a value`);
      if (flags[arg.slice(2)] !== undefined) throw new InitialPasswordUsageError(`${arg} given twice`);
      flags[arg.slice(2)] = value;
      i++;
    } else positional.push(arg);
  }
  const [username, ...extra] = positional;
  if (username === undefined) throw new InitialPasswordUsageError("expected a <username>");
  if (extra.length > 0) throw new InitialPasswordUsageError(`one username at a time (unexpected "${extra[0]}")`);
  return { username, outputs: flags.outputs, stack: flags.stack };
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function runInitialPasswordCli(
  argv: readonly string[],
  io: CliIo = { out: console.log, err: console.error },
  options: Pick<InitialPasswordOptions, "runPulumi"> = {},
): Promise<number> {
  if (argv.some((a) => a === "--help" || a === "-h")) {
    io.out(USAGE);
    return 0;
  }
  try {
    const args = parseInitialPasswordArgs(argv);
    const outputs = loadStackOutputs(resolveOutputsPath(args.outputs));
    if (args.stack !== undefined && outputs.endpoints !== undefined) {
      throw new InitialPasswordUsageError("--stack applies to an AWS stack's outputs only (these are the local stack's)");
    }
    const password = await initialPasswordOf(outputs, args.username, { stack: args.stack, runPulumi: options.runPulumi });
    const tenant = outputs.users[args.username];
    io.err(`initial password of ${args.username}${tenant ? ` (tenant ${tenant})` : ""}; a new one is asked at first sign-in:`);
    io.out(password);
    return 0;
  } catch (error) {
    if (error instanceof InitialPasswordUsageError) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    const known = error instanceof InitialPasswordError || error instanceof InitialPasswordsFileError || error instanceof StackOutputsError;
    io.err(known ? (error as Error).message : `initial-password: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  runInitialPasswordCli(process.argv.slice(2)).then((code) => process.exit(code));
}
