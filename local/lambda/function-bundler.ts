/**
 * One Lambda bundle, built with esbuild as ES modules with code splitting (Node 22,
 * minified, with source maps): the entry `index.mjs` (Lambda's `index.handler` resolves
 * it) and the chunks it imports, each module loaded when a route first needs it. So a
 * route loads what it uses and no more: `$connect` does not load the Bedrock or Lambda
 * clients that only the answer step and the ask route use (docs/performance.md, "Cold
 * start": in one CommonJS file a dynamic `import()` is evaluated at load anyway).
 * `npm run build` (scripts/build.ts) builds every function with it for Pulumi (which
 * deploys the whole directory) and the local stack, and the red-team controls build the
 * rogue action group with the same settings, so a swapped-in bundle runs exactly as a
 * deployed one would.
 */
import { build, type Metafile } from "esbuild";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { bundlePath } from "../../infra/bundles";
import type { FunctionName } from "../../infra/naming";

/**
 * CommonJS dependencies inside an ES module bundle still call `require` for Node's own
 * modules (esbuild keeps those calls): give the module a real one.
 */
const REQUIRE_SHIM = 'import { createRequire as __mtaCreateRequire } from "node:module"; const require = __mtaCreateRequire(import.meta.url);';

/** Builds `entry` (default: the function's `lambdas/<name>/index.ts`) to `outfile` (default: its bundle path). */
export async function buildFunction(name: FunctionName, entry?: string, outfile?: string): Promise<Metafile> {
  const target = outfile ?? bundlePath(name);
  const outdir = dirname(target);
  // A clean directory: Pulumi deploys all of it, so no chunk of an earlier build may stay.
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [{ in: entry ?? join(__dirname, "..", "..", "lambdas", name, "index.ts"), out: basename(target).replace(/\.mjs$/, "") }],
    outdir,
    bundle: true,
    splitting: true,
    platform: "node",
    target: "node22",
    format: "esm",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    banner: { js: REQUIRE_SHIM },
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

/** Every module file of a built bundle (entry and chunks), as deployed. */
export function bundleModules(outfile: string): string[] {
  const dir = dirname(outfile);
  const chunks = join(dir, "chunks");
  const inChunks = (() => {
    try {
      return readdirSync(chunks).filter((f) => f.endsWith(".mjs")).map((f) => join(chunks, f));
    } catch {
      return [];
    }
  })();
  return [outfile, ...inChunks];
}

/**
 * Pure: the source files an entry loads at start, i.e. the inputs of its output and of
 * every chunk it imports statically (transitively); chunks reached only by `import()`
 * load later, when a route first asks for them.
 */
export function inputsLoadedAtStart(metafile: Metafile, entryOutput: string): Set<string> {
  const seen = new Set<string>();
  const inputs = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    const meta = metafile.outputs[output];
    if (!meta) return;
    for (const input of Object.keys(meta.inputs)) inputs.add(input);
    for (const imported of meta.imports) if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  visit(entryOutput);
  return inputs;
}
