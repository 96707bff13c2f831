/**
 * One Lambda bundle, built with esbuild into one CommonJS file (Node 22, minified, with a
 * source map): `npm run build` (scripts/build.ts) builds every function with it for Pulumi
 * and the local stack, and the red-team controls build the rogue action group with the
 * same settings, so a swapped-in bundle runs exactly as a deployed one would.
 */
import { build, type Metafile } from "esbuild";
import { join } from "node:path";
import { bundlePath } from "../../infra/bundles";
import type { FunctionName } from "../../infra/naming";

/** Builds `entry` (default: the function's `lambdas/<name>/index.ts`) to `outfile` (default: its bundle path). */
export async function buildFunction(name: FunctionName, entry?: string, outfile?: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry ?? join(__dirname, "..", "..", "lambdas", name, "index.ts")],
    outfile: outfile ?? bundlePath(name),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    sourcemap: true,
    treeShaking: true,
    metafile: true,
    legalComments: "none",
    // Prefer ESM entry points so esbuild can tree-shake the SDK v3 clients.
    mainFields: ["module", "main"],
    logLevel: "warning",
  });
  return result.metafile;
}
