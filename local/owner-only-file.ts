/**
 * Files that hold local secrets (admin keys, temporary passwords, the control token) are
 * readable by their owner only. `writeFileSync`'s `mode` applies only when it creates
 * the file, so a file left by an earlier run, perhaps world-readable, is narrowed first:
 * the secrets are never written into a file others can read.
 */
import { chmodSync, existsSync, writeFileSync } from "node:fs";

export const OWNER_ONLY_MODE = 0o600;

export function writeOwnerOnlyFile(path: string, text: string): void {
  if (existsSync(path)) chmodSync(path, OWNER_ONLY_MODE);
  writeFileSync(path, text, { mode: OWNER_ONLY_MODE });
  // Also against a umask or a file system that ignored the mode on create.
  chmodSync(path, OWNER_ONLY_MODE);
}
