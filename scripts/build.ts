/**
 * `npm run build`: bundle each Lambda with esbuild as ES modules with code splitting
 * (`dist/lambdas/<name>/index.mjs` and its `chunks/`, Node 22, minified, with source maps;
 * see local/lambda/function-bundler.ts) and check each against its budget. Pulumi deploys
 * exactly these directories and the local stack runs exactly these files.
 */
import type { Metafile } from "esbuild";
import { statSync } from "node:fs";
import { bundlePath } from "../infra/bundles";
import { FUNCTION_NAMES, type FunctionName } from "../infra/naming";
import { builtinsLoadedAtStart, bundleModules, buildFunction, bytesLoadedAtStart, entryOutputOf, outputsLoadedAtStart } from "../local/lambda/function-bundler";

/**
 * Size budgets (bytes, minified, the entry and all its chunks), about 25% above the sizes
 * measured when they were set (66 / 572 / 412 KB), except the authorizer's: 50 KB, the
 * cold-start goal of docs/performance.md ("Cold start"). Cold starts grow with bundle size; a budget turns an accidental
 * whole-library import into a failed build instead of a slow Lambda.
 *
 * Lambda code validates with `zod/mini`, not classic `zod`: classic's method-chaining
 * schemas cannot be tree-shaken and cost ~85 KB minified in every bundle (the authorizer
 * halved, 131 -> 66 KB, when it moved); mini costs ~18-27 KB. Classic stays in infra/,
 * scripts/ and local/, which are never bundled; `classicZodInputs` fails the build if
 * a bundle reaches it anyway.
 */
export const BUNDLE_BUDGET_BYTES: Record<FunctionName, number> = {
  // The goal: the authorizer runs before every socket opens (zod left out for it).
  authorizer: 50 * 1024,
  chat: 715 * 1024,
  "action-group": 515 * 1024,
  offboarding: 530 * 1024,
};

/**
 * What each function loads at start (bytes of the entry and the chunks it imports
 * statically: Lambda's init phase, function-bundler.ts `bytesLoadedAtStart`), about 5%
 * above the sizes measured when they were set (49 / 267 / 250 / 272 KB). The cold start
 * grows with it (docs/performance.md, "Cold start"): a route's client imported statically
 * by mistake (the Bedrock agent runtime client is about 100 KB) fails the build instead of
 * slowing every cold start.
 */
export const START_BUDGET_BYTES: Record<FunctionName, number> = {
  authorizer: 50 * 1024,
  chat: 280 * 1024,
  "action-group": 262 * 1024,
  offboarding: 286 * 1024,
};

/**
 * Node modules no function may import at start: `node:http2` is for the Bedrock client's
 * HTTP/2, which only the answer step uses; `node:process` as an ES module builds a facade
 * that opens standard input (the global is the same object; start-plugins.ts).
 */
export const BUILTINS_NOT_AT_START = ["node:http2", "node:process"];

/** The bundle inputs that belong to classic zod (`zod/v4/classic`); Lambda code must use `zod/mini`. */
export function classicZodInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((path) => path.includes("node_modules/zod/v4/classic/"));
}

/** The entry and all its chunks: what Pulumi deploys. */
export function bundleBytes(outfile: string): number {
  return bundleModules(outfile).reduce((sum, file) => sum + statSync(file).size, 0);
}

async function main(): Promise<void> {
  const started = Date.now();
  const failures: string[] = [];
  for (const name of FUNCTION_NAMES) {
    const metafile = await buildFunction(name);
    if (classicZodInputs(metafile).length > 0) {
      failures.push(`${name} bundles classic zod (zod/v4/classic); Lambda code must import "zod/mini"`);
    }
    const bytes = bundleBytes(bundlePath(name));
    const budget = BUNDLE_BUDGET_BYTES[name];
    const entryOutput = entryOutputOf(metafile, bundlePath(name));
    const atStart = bytesLoadedAtStart(metafile, entryOutput);
    const files = outputsLoadedAtStart(metafile, entryOutput).length;
    console.log(
      `  dist/lambdas/${name}/index.mjs  ${(bytes / 1024).toFixed(1)} KB with its chunks (budget ${budget / 1024} KB), ${(atStart / 1024).toFixed(1)} KB in ${files} file${files === 1 ? "" : "s"} at start (budget ${START_BUDGET_BYTES[name] / 1024} KB)`,
    );
    if (bytes > budget) failures.push(`${name} is ${(bytes / 1024).toFixed(1)} KB, over its ${budget / 1024} KB budget`);
    if (atStart > START_BUDGET_BYTES[name]) failures.push(`${name} loads ${(atStart / 1024).toFixed(1)} KB at start, over its ${START_BUDGET_BYTES[name] / 1024} KB start budget`);
    const early = [...builtinsLoadedAtStart(metafile, entryOutput)].filter((builtin) => BUILTINS_NOT_AT_START.includes(builtin));
    if (early.length > 0) failures.push(`${name} loads ${early.join(", ")} at start`);
  }
  console.log(`built ${FUNCTION_NAMES.length} bundles in ${Date.now() - started} ms`);
  if (failures.length > 0) {
    console.error(`bundle check failed:\n  ${failures.join("\n  ")}`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`build failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
