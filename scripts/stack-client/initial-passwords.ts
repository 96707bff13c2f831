/**
 * One user's initial (temporary) password, read where it is kept and never written
 * anywhere else (I19): on the local stack from its owner-only file (the outputs name the
 * path, `initialPasswordsFile`); on AWS from the stack's secret output through the Pulumi
 * CLI (`pulumi stack output initialPasswords --show-secrets --json`), run with execFile,
 * never through a shell. `npm run initial-password` prints it; the suites' demo-user
 * sign-in (sign-in.ts `signInDemoUser`, the page tests) keeps it in memory.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { readInitialPasswordsFile } from "../../local/runtime/initial-passwords-file";
import type { StackOutputs } from "../../local/runtime/stack-outputs";

/** Where Pulumi.yaml is: the Pulumi CLI finds the project (and its selected stack) from here. */
export const PROJECT_DIR = join(__dirname, "..", "..");

export type InitialPasswordErrorCode = "unknown_user" | "pulumi_cli_missing" | "pulumi_failed" | "wrong_stack" | "not_local_outputs";

export class InitialPasswordError extends Error {
  constructor(
    readonly code: InitialPasswordErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "InitialPasswordError";
  }
}

/** Runs `pulumi <args>` and resolves with its standard output. */
export type RunPulumi = (args: readonly string[]) => Promise<string>;

/** The first line of what the CLI said, without anything long enough to be a payload. */
function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim() !== "") ?? "").trim().slice(0, 300);
}

/** The real Pulumi CLI: execFile (no shell), in the project directory, without its update check. */
export function pulumiCli(cwd = PROJECT_DIR): RunPulumi {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(
        "pulumi",
        [...args],
        { cwd, env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, maxBuffer: 4 * 1024 * 1024, timeout: 120_000 },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            return reject(
              new InitialPasswordError(
                "pulumi_cli_missing",
                "the Pulumi CLI (pulumi) is not on PATH: an AWS stack's initial passwords are read from its secret output, so install it (https://www.pulumi.com/docs/install/) and log in to the stack's backend",
              ),
            );
          }
          reject(new InitialPasswordError("pulumi_failed", `pulumi ${args.slice(0, 3).join(" ")} failed: ${firstLine(stderr) || error.message.split("\n")[0]}`));
        },
      );
    });
}

export interface InitialPasswordOptions {
  /** The Pulumi stack to read (`--stack`); default the project's selected stack. */
  stack?: string;
  /** How to run the Pulumi CLI (unit tests stub it). */
  runPulumi?: RunPulumi;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InitialPasswordError("pulumi_failed", `pulumi printed no JSON for ${what}`);
  }
}

/**
 * The AWS stack's initial passwords, after checking that the Pulumi stack is the one the
 * outputs file describes (same user pool): a selected `dev` stack must not answer for
 * `prod`'s outputs.
 */
async function pulumiInitialPasswords(outputs: StackOutputs, options: InitialPasswordOptions): Promise<Record<string, string>> {
  const run = options.runPulumi ?? pulumiCli();
  const stackArgs = options.stack === undefined ? [] : ["--stack", options.stack];
  const poolId = parseJson(await run(["stack", "output", "userPoolId", "--json", ...stackArgs]), "userPoolId");
  if (poolId !== outputs.userPoolId) {
    throw new InitialPasswordError(
      "wrong_stack",
      `the Pulumi stack ${options.stack ?? "selected in this project"} has user pool ${String(poolId)}, but the outputs file names ${outputs.userPoolId}: select that stack or pass --stack NAME`,
    );
  }
  const passwords = parseJson(await run(["stack", "output", "initialPasswords", "--show-secrets", "--json", ...stackArgs]), "initialPasswords");
  if (typeof passwords !== "object" || passwords === null || Object.values(passwords).some((p) => typeof p !== "string")) {
    throw new InitialPasswordError("pulumi_failed", "the stack's initialPasswords output is not a map of username to password");
  }
  return passwords as Record<string, string>;
}

/** username → initial password of the stack the outputs describe (local file or Pulumi secret output). */
export async function initialPasswords(outputs: StackOutputs, options: InitialPasswordOptions = {}): Promise<Record<string, string>> {
  if (outputs.endpoints !== undefined) {
    if (outputs.initialPasswordsFile === undefined) {
      throw new InitialPasswordError("not_local_outputs", "these local stack outputs name no initialPasswordsFile: restart the local stack (npm start) to write them again");
    }
    return readInitialPasswordsFile(outputs.initialPasswordsFile);
  }
  return pulumiInitialPasswords(outputs, options);
}

/** One user's initial password; an unknown user is an error that lists the stack's users (names only). */
export async function initialPasswordOf(outputs: StackOutputs, username: string, options: InitialPasswordOptions = {}): Promise<string> {
  const passwords = await initialPasswords(outputs, options);
  if (!Object.hasOwn(passwords, username)) {
    const known = Object.keys(passwords).sort().join(", ") || "none";
    throw new InitialPasswordError(
      "unknown_user",
      `no initial password for "${username}" on this stack (configured users: ${known}); a user added with \`npm run users -- add\` saw theirs once, and \`npm run users -- reset-password ${username}\` sets a new one`,
    );
  }
  return passwords[username];
}
