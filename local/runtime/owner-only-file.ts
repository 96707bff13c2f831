/**
 * Files that hold local secrets (admin keys, temporary passwords, the control token, the
 * token-signing key) are readable by their owner only, and the directories that hold
 * them (the state directory, cognito-local's database with plaintext passwords and
 * refresh tokens, the Lambda logs, built bundles) are reachable by their owner only.
 * `mode` applies only on create, so a file or directory left by an earlier run, perhaps
 * world-readable, is narrowed first: the secrets are never written where others can read.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";

export const OWNER_ONLY_MODE = 0o600;
export const OWNER_ONLY_DIR_MODE = 0o700;

export function writeOwnerOnlyFile(path: string, text: string): void {
  if (existsSync(path)) chmodSync(path, OWNER_ONLY_MODE);
  writeFileSync(path, text, { mode: OWNER_ONLY_MODE });
  // Also against a umask or a file system that ignored the mode on create.
  chmodSync(path, OWNER_ONLY_MODE);
}

/**
 * Creates `path` (and missing parents, which get the same mode) as a 0700 directory, or
 * narrows an existing one to 0700. Returns `path`.
 */
export function ownerOnlyDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: OWNER_ONLY_DIR_MODE });
  // mkdir's mode is filtered by the umask and ignored for a directory that already exists.
  chmodSync(path, OWNER_ONLY_DIR_MODE);
  return path;
}
