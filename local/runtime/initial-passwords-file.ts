/**
 * The local stack's demo users' initial (temporary) passwords, kept apart from the outputs
 * file (I19): `<stateDir>/initial-passwords.json`, owner-only (0600) in the owner-only
 * state directory, rewritten at every start (the passwords are new each time). The outputs
 * name its path (`initialPasswordsFile`), never its content; only
 * `npm run initial-password` prints from it, and the integration and browser suites read
 * it in memory to sign the demo users in.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { writeOwnerOnlyFile } from "./owner-only-file";

export const INITIAL_PASSWORDS_FILE_NAME = "initial-passwords.json";

const InitialPasswords = z.record(z.string(), z.string().min(1));

export class InitialPasswordsFileError extends Error {
  readonly code = "initial_passwords_file";
  constructor(message: string) {
    super(message);
    this.name = "InitialPasswordsFileError";
  }
}

/** Writes username → initial password owner-only into `stateDir`; returns the file's path. */
export function writeInitialPasswordsFile(stateDir: string, passwords: Readonly<Record<string, string>>): string {
  const path = join(stateDir, INITIAL_PASSWORDS_FILE_NAME);
  writeOwnerOnlyFile(path, `${JSON.stringify(passwords, null, 2)}\n`);
  return path;
}

/** username → initial password; a clear error (never the content) when the file is gone or damaged. */
export function readInitialPasswordsFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new InitialPasswordsFileError(`cannot read the local stack's initial passwords at ${path}: is the stack that wrote these outputs still running (npm start)?`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InitialPasswordsFileError(`${path} is not valid JSON`);
  }
  const parsed = InitialPasswords.safeParse(raw);
  if (!parsed.success) throw new InitialPasswordsFileError(`${path} is not a map of username to initial password`);
  return parsed.data;
}
