/**
 * Two esbuild plugins that make a function's start cheaper (Lambda's init phase: the entry
 * and the chunks it imports statically) without changing what runs; function-bundler.ts
 * builds every function with both. Why, with the measurements: docs/performance.md, "Cold
 * start".
 *
 * - `chunksAfterEntry`: with code splitting esbuild puts code into one chunk per distinct
 *   set of entry points that reach it, and every `import()` target is an entry point; the
 *   chat entry loaded 16 files at start, each one a module Node resolves, reads, compiles
 *   and links. A module the bundle loads with `import()` runs only after the entry has (the
 *   bundle's own code is what loads it), so it may import the entry without changing what
 *   runs or when: with that import every module of the entry's static closure is reached
 *   by the same entry points and lands in one chunk.
 * - `lazyNodeHttp2`: the SDK's HTTP/2 handler (the Bedrock agent runtime client's, used by
 *   the answer step only) imports `node:http2`, and esbuild places it in a chunk loaded at
 *   start beside the HTTP/1.1 handler every client uses (splitting follows the files a
 *   package's index imports, not the exports used). The bundle gets a stand-in that loads
 *   Node's module on first use instead.
 */
import type { Plugin } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";

/** Marks the plugin's own resolve call, so it does not see itself. */
const RESOLVING_LAZY_MODULE = Symbol("resolving a module loaded by import()");

/** Sources the plugin may append an `import` to: TypeScript and the packages' ES module builds, never CommonJS. */
export function isEsModuleSource(path: string): boolean {
  return /\.(ts|mts|mjs)$/.test(path) || /\/node_modules\/.+\/(dist-es|esm)\/.+\.js$/.test(path);
}

/** Every ES module the bundle loads with `import()` also imports `entry` (an absolute path); see the file comment. */
export function chunksAfterEntry(entry: string): Plugin {
  return {
    name: "chunks-after-entry",
    setup(build) {
      const loadedLater = new Set<string>();
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== "dynamic-import" || args.pluginData === RESOLVING_LAZY_MODULE) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          namespace: args.namespace,
          resolveDir: args.resolveDir,
          pluginData: RESOLVING_LAZY_MODULE,
        });
        if (resolved.errors.length === 0 && !resolved.external && isEsModuleSource(resolved.path)) loadedLater.add(resolved.path);
        return resolved;
      });
      build.onLoad({ filter: /\.(ts|mts|mjs|js)$/ }, (args) => {
        if (!loadedLater.has(args.path)) return undefined;
        // Appended, not prepended: the module's lines (and its source map) stay where they were.
        const contents = `${readFileSync(args.path, "utf8")}\nimport ${JSON.stringify(entry)};\n`;
        return { contents, loader: /\.m?ts$/.test(args.path) ? "ts" : "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

const LAZY_NAMESPACE = "lazy-node-builtin";

/**
 * Stands in for `import http2 from "node:http2"` (the default import, the only form the
 * SDK uses; a named import fails the build): Node's module is loaded on the first property
 * read, `constants` included.
 */
const LAZY_HTTP2_SOURCE = `
import { createRequire } from "node:module";
let http2;
const load = () => (http2 ??= createRequire(import.meta.url)("node:http2"));
const constants = new Proxy({}, { get: (_, name) => load().constants[name] });
export default new Proxy({}, { get: (_, name) => (name === "constants" ? constants : load()[name]) });
`;

/** `node:http2`, loaded on first use rather than when the bundle starts; see the file comment. */
export const lazyNodeHttp2: Plugin = {
  name: "lazy-node-http2",
  setup(build) {
    build.onResolve({ filter: /^(node:)?http2$/ }, (args) =>
      args.kind === "import-statement" ? { path: "node:http2", namespace: LAZY_NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: LAZY_NAMESPACE }, () => ({ contents: LAZY_HTTP2_SOURCE, loader: "js", resolveDir: __dirname }));
  },
};
