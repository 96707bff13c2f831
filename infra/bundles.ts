/**
 * Where the Lambda bundles live (`npm run build` writes them, Pulumi deploys them, the
 * local stack runs them). Pure paths, so the Pulumi program does not import the bundler.
 */
import { join } from "node:path";
import type { FunctionName } from "./naming";

export const DIST_DIR = join(__dirname, "..", "dist", "lambdas");

export function bundlePath(name: FunctionName): string {
  return join(DIST_DIR, name, "index.mjs");
}
