/**
 * `npm run build`: bundle each Lambda with esbuild into one CommonJS file
 * (`dist/lambdas/<name>/index.js`, Node 22, minified, with a source map). Pulumi deploys
 * exactly these files and the local stack runs exactly these files.
 */
import { build, type Metafile } from "esbuild";
import { statSync } from "node:fs";
import { join } from "node:path";
import { FUNCTION_NAMES, type FunctionName } from "../infra/naming";

export const DIST_DIR = join(__dirname, "..", "dist", "lambdas");

/**
 * Size budgets (bytes, minified). Cold starts grow with bundle size; a budget turns an
 * accidental whole-library import (e.g. `import { z } from "zod"`, +360 KB) into a
 * failed build instead of a slow Lambda.
 */
export const BUNDLE_BUDGET_BYTES: Record<FunctionName, number> = {
  authorizer: 200 * 1024,
  chat: 750 * 1024,
  "action-group": 600 * 1024,
};

export function bundlePath(name: FunctionName, distDir = DIST_DIR): string {
  return join(distDir, name, "index.js");
}

export async function buildFunction(name: FunctionName, entry?: string, outfile?: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [entry ?? join(__dirname, "..", "lambdas", name, "index.ts")],
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

async function main(): Promise<void> {
  const started = Date.now();
  const overBudget: string[] = [];
  for (const name of FUNCTION_NAMES) {
    await buildFunction(name);
    const bytes = statSync(bundlePath(name)).size;
    const budget = BUNDLE_BUDGET_BYTES[name];
    console.log(`  dist/lambdas/${name}/index.js  ${(bytes / 1024).toFixed(1)} KB  (budget ${budget / 1024} KB)`);
    if (bytes > budget) overBudget.push(`${name} is ${(bytes / 1024).toFixed(1)} KB, over its ${budget / 1024} KB budget`);
  }
  console.log(`built ${FUNCTION_NAMES.length} bundles in ${Date.now() - started} ms`);
  if (overBudget.length > 0) {
    console.error(`bundle size budget exceeded:\n  ${overBudget.join("\n  ")}`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`build failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
