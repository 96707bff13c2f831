/**
 * esbuild plugins that make a function's start cheaper (Lambda's init phase: the entry
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
 * - `sdkImportsPastBarrels`: esbuild assigns a file to the chunks of every entry point that
 *   reaches it through any import, used or not, so a barrel (`@smithy/core/checksum`,
 *   `@aws-sdk/core/protocols`: index files of re-exports) that the entry's code imports one
 *   name from puts every other file it re-exports, and that a later route uses, in the chunk
 *   loaded at start: the XML and Query protocols, the HTTP/2 handler, CRC32 with `node:zlib`
 *   (about 16-26 KB per function). The SDK's own modules import each name from the file that
 *   defines it instead, where their packages declare the barrel free of side effects.
 * - `sdkPackageVersionOnly`: each SDK client imports its whole `package.json` for its
 *   version; the bundle gets the version alone.
 * - `processFromGlobal`: `import { env } from "node:process"` (the SDK's user agent) makes
 *   Node build the ES module facade of `process`, which reads every property of it, getters
 *   included: `process.stdin` opens standard input as a stream (about 10 M instructions, a
 *   tenth of a function's start). The bundle reads the same values from the `process`
 *   global instead, the object that module exports.
 */
import type { Plugin } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";

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

/** `export { a, b as c } from "./x";` or `export * from "./x";`: a barrel's only kinds of line. */
const RE_EXPORT_LINE = /^export\s*(?:\*|\{([^}]*)\})\s*from\s*"([^"]+)";?$/;
/** A named import of another @smithy or @aws-sdk module, as their ES module builds write them. */
const SDK_NAMED_IMPORT = /import\s*\{([^}]*)\}\s*from\s*"(@(?:smithy|aws-sdk)\/[^"]+)";/g;
/** What a module file exports under its own names. */
const LOCAL_EXPORT = /^export\s+(?:async\s+)?(?:const|let|var|function\*?|class)\s+([\w$]+)/gm;
const LOCAL_EXPORT_LIST = /^export\s*\{([^}]*)\};?$/gm;

type Resolve = (path: string, resolveDir: string) => Promise<string | undefined>;
/** name exported → the file that defines it and its name there. */
type ExportMap = Map<string, { file: string; name: string }> & { reached?: Set<string> };

const specifiers = (list: string) =>
  list
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const [name, alias] = part.split(/\s+as\s+/);
      return { name: name.trim(), alias: (alias ?? name).trim() };
    });

/**
 * Pure-ish: the exports of `file`, followed through barrels to the files that define them;
 * undefined when `file` is not made only of re-export lines or defined names cannot be
 * listed (the import is then left as it is).
 */
async function exportsOf(file: string, resolve: Resolve, cache: Map<string, Promise<ExportMap | undefined>>): Promise<ExportMap | undefined> {
  let cached = cache.get(file);
  if (!cached) {
    cached = (async () => {
      const source = readFileSync(file, "utf8");
      const lines = source.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("//"));
      const map: ExportMap = new Map();
      if (lines.length > 0 && lines.every((line) => RE_EXPORT_LINE.test(line))) {
        // Every file this barrel would load: bypassing it must skip none with side effects.
        map.reached = new Set([file]);
        for (const line of lines) {
          const [, list, from] = RE_EXPORT_LINE.exec(line)!;
          const target = await resolve(from, dirname(file));
          if (!target) return undefined;
          const inner = await exportsOf(target, resolve, cache);
          map.reached.add(target);
          for (const reached of inner?.reached ?? []) map.reached.add(reached);
          if (list === undefined) {
            if (!inner) return undefined;
            for (const [name, where] of inner) if (name !== "default" && !map.has(name)) map.set(name, where);
          } else {
            for (const { name, alias } of specifiers(list)) map.set(alias, inner?.get(name) ?? { file: target, name });
          }
        }
        return map;
      }
      for (const match of source.matchAll(LOCAL_EXPORT)) map.set(match[1], { file, name: match[1] });
      for (const match of source.matchAll(LOCAL_EXPORT_LIST)) for (const { name, alias } of specifiers(match[1])) map.set(alias, { file, name });
      return map;
    })();
    cache.set(file, cached);
  }
  return cached;
}

/** The package a file belongs to: its directory and the files it declares with side effects (`true`: all of them). */
function packageOf(file: string): { dir: string; sideEffects: boolean | string[] } | undefined {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    let text: string;
    try {
      text = readFileSync(join(dir, "package.json"), "utf8");
    } catch {
      continue;
    }
    const pkg = JSON.parse(text) as { name?: string; sideEffects?: boolean | string[] };
    if (!pkg.name) continue;
    return { dir, sideEffects: pkg.sideEffects ?? true };
  }
  return undefined;
}

/** Whether loading `reached` (a barrel's files) has no side effect its package declares. */
function withoutSideEffects(reached: Set<string>): boolean {
  for (const file of reached) {
    const pkg = packageOf(file);
    if (!pkg || pkg.sideEffects === true) return false;
    if (Array.isArray(pkg.sideEffects) && pkg.sideEffects.some((listed) => resolvePath(pkg.dir, listed) === file)) return false;
  }
  return true;
}

/**
 * The SDK's ES modules import from barrels (`@smithy/core/checksum`, `@aws-sdk/core/protocols`:
 * index files of re-exports only); this imports each name from the file that defines it
 * instead, when the barrel and every file it re-exports are free of side effects by their
 * package's own `sideEffects` declaration (what lets a bundler skip a barrel at all). Same
 * bindings, same code; see the file comment for why it matters.
 */
export function sdkImportsPastBarrels(): Plugin {
  return {
    name: "sdk-imports-past-barrels",
    setup(build) {
      const cache = new Map<string, Promise<ExportMap | undefined>>();
      const resolve: Resolve = async (path, resolveDir) => {
        const result = await build.resolve(path, { kind: "import-statement", resolveDir });
        return result.errors.length === 0 && !result.external ? result.path : undefined;
      };
      build.onLoad({ filter: /\/node_modules\/@(?:smithy|aws-sdk)\/.+\/dist-es\/.+\.js$/ }, async (args) => {
        const source = readFileSync(args.path, "utf8");
        let changed = false;
        const replacements = await Promise.all(
          [...source.matchAll(SDK_NAMED_IMPORT)].map(async (match) => {
            const barrel = await resolve(match[2], dirname(args.path));
            const exported = barrel ? await exportsOf(barrel, resolve, cache) : undefined;
            if (!exported?.reached || !withoutSideEffects(exported.reached)) return undefined;
            const wanted = specifiers(match[1]);
            if (!wanted.every(({ name }) => exported.has(name))) return undefined;
            const statements = wanted.map(({ name, alias }) => {
              const where = exported.get(name)!;
              return `import { ${where.name} as ${alias} } from ${JSON.stringify(where.file)};`;
            });
            return { text: match[0], replacement: statements.join(" ") };
          }),
        );
        let contents = source;
        for (const found of replacements) {
          if (!found) continue;
          contents = contents.replace(found.text, found.replacement);
          changed = true;
        }
        return changed ? { contents, loader: "js", resolveDir: dirname(args.path) } : undefined;
      });
    },
  };
}

/**
 * The SDK's clients import their whole `package.json` (`import packageInfo from
 * "../package.json"`) for one field, `packageInfo.version` (their user agent): 2–4 KB of JSON
 * per client parsed at start. The bundle gets the version alone; any other field read would
 * be undefined, and no client reads one (the test checks every client's sources).
 */
export const sdkPackageVersionOnly: Plugin = {
  name: "sdk-package-version-only",
  setup(build) {
    build.onLoad({ filter: /\/node_modules\/@aws-sdk\/[^/]+\/package\.json$/ }, (args) => {
      const { version } = JSON.parse(readFileSync(args.path, "utf8")) as { version?: unknown };
      return { contents: JSON.stringify({ version }), loader: "json" };
    });
  },
};

const PROCESS_NAMESPACE = "process-from-global";

/**
 * Pure: the module that stands in for `node:process`, from the names of `process`'s own
 * enumerable data properties (what Node's facade exports, less its getters): the default
 * export and every such name, read from the global at import.
 */
export function processModuleSource(names: string[]): string {
  const exported = names.filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default");
  return `const p = globalThis.process;\nexport default p;\nexport const { ${exported.join(", ")} } = p;\n`;
}

/** `process`'s own enumerable data properties: Node's facade exports these and its getters (stdin, stdout, stderr…). */
function processDataProperties(): string[] {
  return Object.keys(process).filter((name) => "value" in Object.getOwnPropertyDescriptor(process, name)!);
}

/**
 * `node:process` imported statically: its default export and its data properties, read from
 * the `process` global (the same object, so the same values) instead of through Node's ES
 * module facade, which reads every getter when it is built (see the file comment). A named
 * import of a getter (`stdin`) fails the build rather than read undefined.
 */
export const processFromGlobal: Plugin = {
  name: "process-from-global",
  setup(build) {
    build.onResolve({ filter: /^(node:)?process$/ }, (args) =>
      args.kind === "import-statement" ? { path: "node:process", namespace: PROCESS_NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: PROCESS_NAMESPACE }, () => ({ contents: processModuleSource(processDataProperties()), loader: "js" }));
  },
};
