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
 * deployed one would. Five plugins keep the start small (start-plugins.ts): the entry's
 * static closure in as few chunk files as possible, `node:http2` loaded on first use,
 * the SDK's imports past its barrels so a later route's SDK code stays out of the start,
 * each SDK client's package.json reduced to the version it reads, and `node:process`
 * read from the global without building its ES module facade.
 */
import { build, type Metafile } from "esbuild";
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { bundlePath } from "../../infra/bundles";
import type { FunctionName } from "../../infra/naming";
import { chunksAfterEntry, lazyNodeHttp2, processFromGlobal, sdkImportsPastBarrels, sdkPackageVersionOnly } from "./start-plugins";

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
  const entryPath = entry ?? join(__dirname, "..", "..", "lambdas", name, "index.ts");
  const result = await build({
    entryPoints: [{ in: entryPath, out: basename(target).replace(/\.mjs$/, "") }],
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
    plugins: [chunksAfterEntry(entryPath), lazyNodeHttp2, sdkImportsPastBarrels(), sdkPackageVersionOnly, processFromGlobal],
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

/** A static `import … from "./x.mjs"` or `import "./x.mjs"` of a bundle file, as esbuild writes them (not `import("./x.mjs")`). */
const STATIC_IMPORT = /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.mjs)["']/g;

/**
 * The files of a built bundle its entry loads at start, the entry first, read from the
 * files themselves (what Lambda would load; the metafile says the same, see
 * `outputsLoadedAtStart`): for benchmarks that measure a bundle already built.
 */
export function filesLoadedAtStart(outfile: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) visit(join(dirname(file), match[1]));
  };
  visit(outfile);
  return [...seen];
}

/** Pure: the metafile's key for the bundle's entry output (`outfile`, as `buildFunction` was given it). */
export function entryOutputOf(metafile: Metafile, outfile: string): string {
  const suffix = `/${basename(dirname(outfile))}/${basename(outfile)}`;
  const found = Object.keys(metafile.outputs).find((output) => `/${output}`.endsWith(suffix));
  if (!found) throw new Error(`no output ${suffix} in the metafile`);
  return found;
}

/**
 * Pure: the output files an entry loads at start, itself first: the chunks it imports
 * statically (transitively); chunks reached only by `import()` load later, when a route
 * first asks for them.
 */
export function outputsLoadedAtStart(metafile: Metafile, entryOutput: string): string[] {
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    const meta = metafile.outputs[output];
    if (!meta) return;
    for (const imported of meta.imports) if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  visit(entryOutput);
  return [...seen];
}

/** Pure: the source files an entry loads at start, i.e. the inputs of the outputs it loads at start. */
export function inputsLoadedAtStart(metafile: Metafile, entryOutput: string): Set<string> {
  return new Set(outputsLoadedAtStart(metafile, entryOutput).flatMap((output) => Object.keys(metafile.outputs[output]?.inputs ?? {})));
}

/** Pure: Node's own modules an entry imports at start (`node:http2`, …), from the outputs it loads at start. */
export function builtinsLoadedAtStart(metafile: Metafile, entryOutput: string): Set<string> {
  const builtins = outputsLoadedAtStart(metafile, entryOutput).flatMap((output) =>
    (metafile.outputs[output]?.imports ?? []).filter((imported) => imported.external && imported.kind === "import-statement").map((imported) => imported.path),
  );
  return new Set(builtins.map((path) => (path.startsWith("node:") ? path : `node:${path}`)));
}

/** Pure: the bytes an entry loads at start (the outputs of `outputsLoadedAtStart`). */
export function bytesLoadedAtStart(metafile: Metafile, entryOutput: string): number {
  return outputsLoadedAtStart(metafile, entryOutput).reduce((sum, output) => sum + (metafile.outputs[output]?.bytes ?? 0), 0);
}
