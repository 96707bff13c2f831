/** The start plugins: one chunk for the entry's static closure; node:http2 loaded on first use; node:process from the global. */
import { build, type Metafile, type Plugin } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { outputsLoadedAtStart } from "../../../../local/lambda/function-bundler";
import {
  chunksAfterEntry,
  isEsModuleSource,
  lazyNodeHttp2,
  processFromGlobal,
  processModuleSource,
  sdkImportsPastBarrels,
  sdkPackageVersionOnly,
} from "../../../../local/lambda/start-plugins";

const dir = mkdtempSync(join(tmpdir(), "mta-start-plugins-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (files: Record<string, string>): void => {
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), source);
  }
};

async function bundle(entry: string, out: string, plugins: Plugin[]): Promise<{ metafile: Metafile; entryOutput: string }> {
  const { metafile } = await build({
    entryPoints: [{ in: join(dir, entry), out: "index" }],
    outdir: join(dir, out),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    outExtension: { ".js": ".mjs" },
    metafile: true,
    logLevel: "silent",
    plugins,
  });
  const entryOutput = Object.keys(metafile.outputs).find((output) => output.endsWith(`${out}/index.mjs`))!;
  return { metafile, entryOutput };
}

describe("chunksAfterEntry", () => {
  // The entry uses a and b at start; one route loads later and uses a, another b.
  write({
    "a.ts": "export const a = () => 'a';\n",
    "b.ts": "export const b = () => 'b';\n",
    "route-a.ts": "import { a } from './a';\nexport const routeA = () => a();\n",
    "route-b.ts": "import { b } from './b';\nexport const routeB = () => b();\n",
    "entry.ts": [
      "import { a } from './a';",
      "import { b } from './b';",
      "export const handler = async (which: string) =>",
      "  which === 'a' ? (await import('./route-a')).routeA() + a() : (await import('./route-b')).routeB() + b();",
    ].join("\n"),
  });

  it("puts the entry's static closure in one chunk, where splitting alone makes one per set of routes", async () => {
    const alone = await bundle("entry.ts", "alone", []);
    expect(outputsLoadedAtStart(alone.metafile, alone.entryOutput)).toHaveLength(3);
    const after = await bundle("entry.ts", "after", [chunksAfterEntry(join(dir, "entry.ts"))]);
    const atStart = outputsLoadedAtStart(after.metafile, after.entryOutput);
    expect(atStart).toHaveLength(2);
    // ...and the routes still load later.
    const inputs = atStart.flatMap((output) => Object.keys(after.metafile.outputs[output].inputs));
    expect(inputs.some((input) => input.endsWith("route-a.ts") || input.endsWith("route-b.ts"))).toBe(false);
  });

  it("runs the same: each route answers after the entry", async () => {
    await bundle("entry.ts", "run", [chunksAfterEntry(join(dir, "entry.ts"))]);
    const run = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", `const { handler } = await import(${JSON.stringify(join(dir, "run", "index.mjs"))}); console.log(await handler("a"), await handler("b"));`],
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("aa bb");
  });

  it("appends its import to ES module sources only, never to CommonJS", () => {
    expect(isEsModuleSource("/repo/lambdas/chat/routes.ts")).toBe(true);
    expect(isEsModuleSource("/repo/node_modules/@aws-sdk/credential-provider-sso/dist-es/index.js")).toBe(true);
    expect(isEsModuleSource("/repo/node_modules/@aws-lambda-powertools/logger/lib/esm/Logger.js")).toBe(true);
    expect(isEsModuleSource("/repo/node_modules/@aws-sdk/credential-provider-sso/dist-cjs/index.js")).toBe(false);
    expect(isEsModuleSource("/repo/node_modules/mnemonist/lru-cache.js")).toBe(false);
  });
});

describe("lazyNodeHttp2", () => {
  write({
    "h2.ts": [
      "import http2 from 'node:http2';",
      "const { constants } = http2;",
      "export const loaded = () => process.moduleLoadList.includes('NativeModule http2');",
      "export const header = () => constants.HTTP2_HEADER_PATH;",
      "export const connect = () => typeof http2.connect;",
    ].join("\n"),
  });

  it("loads Node's http2 on first use, not when the bundle starts, and then gives the real module", async () => {
    const script = (out: string) =>
      `const m = await import(${JSON.stringify(join(dir, out, "index.mjs"))}); const before = m.loaded(); console.log(JSON.stringify([before, m.header(), m.connect(), m.loaded()]));`;
    await bundle("h2.ts", "h2-lazy", [lazyNodeHttp2]);
    const lazy = spawnSync(process.execPath, ["--input-type=module", "-e", script("h2-lazy")], { encoding: "utf8" });
    expect(JSON.parse(lazy.stdout)).toEqual([false, ":path", "function", true]);
    // Without the plugin it is loaded at start (the control).
    await bundle("h2.ts", "h2-eager", []);
    const eager = spawnSync(process.execPath, ["--input-type=module", "-e", script("h2-eager")], { encoding: "utf8" });
    expect(JSON.parse(eager.stdout)).toEqual([true, ":path", "function", true]);
  });
});

describe("sdkImportsPastBarrels", () => {
  // Two SDK-like packages whose ES modules import from a barrel: the entry uses `used` at start,
  // a route loaded later uses `later`. @smithy/pure declares no side effects; @aws-sdk/effect
  // declares one file of its barrel with side effects, so its barrel must still load.
  const fakePackage = (name: string, sideEffects: unknown) => ({
    [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: "1.0.0", sideEffects, exports: { "./parts": "./dist-es/parts/index.js", "./*": "./dist-es/*" } }),
    [`node_modules/${name}/dist-es/parts/index.js`]: 'export { used } from "./used";\nexport { later } from "./later";\nexport * from "./effect";\n',
    [`node_modules/${name}/dist-es/parts/used.js`]: 'export const used = () => "used";\n',
    [`node_modules/${name}/dist-es/parts/later.js`]: 'export const later = () => "later";\n',
    [`node_modules/${name}/dist-es/parts/effect.js`]: 'globalThis.effects = (globalThis.effects ?? 0) + 1;\nexport const effect = 1;\n',
    [`node_modules/${name}/dist-es/client.js`]: `import { used } from "${name}/parts";\nexport const client = () => used();\n`,
    [`node_modules/${name}/dist-es/lazy.js`]: `import { later } from "${name}/parts";\nexport const lazy = () => later();\n`,
  });
  const entry = (name: string) =>
    [
      `import { client } from "${name}/client.js";`,
      `export const handler = async () => client() + " " + (await import("${name}/lazy.js")).lazy() + " " + (globalThis.effects ?? 0);`,
    ].join("\n");
  write({
    ...fakePackage("@smithy/pure", false),
    ...fakePackage("@aws-sdk/effect", ["./dist-es/parts/effect.js"]),
    "pure-entry.ts": entry("@smithy/pure"),
    "effect-entry.ts": entry("@aws-sdk/effect"),
  });

  const startInputs = async (entryFile: string, out: string, plugins: Plugin[]) => {
    const { metafile, entryOutput } = await bundle(entryFile, out, [chunksAfterEntry(join(dir, entryFile)), ...plugins]);
    return outputsLoadedAtStart(metafile, entryOutput).flatMap((output) => Object.keys(metafile.outputs[output].inputs));
  };
  const run = (out: string) =>
    spawnSync(process.execPath, ["--input-type=module", "-e", `const { handler } = await import(${JSON.stringify(join(dir, out, "index.mjs"))}); console.log(await handler());`], {
      encoding: "utf8",
    }).stdout.trim();

  it("keeps code only a later route uses out of the start, where the barrel put it there", async () => {
    const before = await startInputs("pure-entry.ts", "barrel-before", []);
    expect(before.some((input) => input.endsWith("pure/dist-es/parts/later.js"))).toBe(true);
    const after = await startInputs("pure-entry.ts", "barrel-after", [sdkImportsPastBarrels()]);
    expect(after.some((input) => input.endsWith("pure/dist-es/parts/used.js"))).toBe(true);
    expect(after.some((input) => input.endsWith("pure/dist-es/parts/later.js"))).toBe(false);
    // Same answers; the barrel's file without side effects is not loaded either way.
    expect(run("barrel-before")).toBe("used later 0");
    expect(run("barrel-after")).toBe("used later 0");
  });

  it("leaves a barrel that loads a file its package declares with side effects", async () => {
    const after = await startInputs("effect-entry.ts", "effect-after", [sdkImportsPastBarrels()]);
    expect(after.some((input) => input.endsWith("effect/dist-es/parts/effect.js"))).toBe(true);
    expect(run("effect-after")).toBe("used later 1");
  });
});

describe("sdkPackageVersionOnly", () => {
  write({
    "node_modules/@aws-sdk/fake-client/package.json": JSON.stringify({ name: "@aws-sdk/fake-client", version: "3.1.2", description: "x".repeat(2000), dependencies: { a: "1" } }),
    "node_modules/@aws-sdk/fake-client/dist-es/runtimeConfig.js": 'import packageInfo from "../package.json";\nexport const info = () => JSON.stringify(packageInfo);\n',
    "version-entry.ts": 'export { info } from "@aws-sdk/fake-client/dist-es/runtimeConfig.js";\n',
  });

  it("gives a client its package's version and nothing else", async () => {
    await bundle("version-entry.ts", "version-only", [sdkPackageVersionOnly]);
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", `console.log((await import(${JSON.stringify(join(dir, "version-only", "index.mjs"))})).info());`], { encoding: "utf8" });
    expect(JSON.parse(run.stdout)).toEqual({ version: "3.1.2" });
  });

  it("is enough for every SDK package here: each reads only `version` from its package.json", () => {
    const root = join(__dirname, "../../../../node_modules/@aws-sdk");
    const readers: string[] = [];
    const visit = (path: string): void => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        const full = join(path, entry.name);
        if (entry.isDirectory()) visit(full);
        else if (entry.name.endsWith(".js")) {
          const source = readFileSync(full, "utf8");
          const imported = /import\s+(\w+)\s+from\s+"(?:\.\.\/)+package\.json"/.exec(source);
          if (!imported) continue;
          readers.push(full);
          const uses = source.match(new RegExp(`\\b${imported[1]}\\b(\\.\\w+)?`, "g")) ?? [];
          // The import itself, then `<name>.version` only.
          expect({ file: full, uses: uses.slice(1).filter((use) => use !== `${imported[1]}.version`) }).toEqual({ file: full, uses: [] });
        }
      }
    };
    for (const pkg of readdirSync(root)) {
      try {
        visit(join(root, pkg, "dist-es"));
      } catch {
        // a package without an ES module build
      }
    }
    expect(readers.length).toBeGreaterThan(4);
  });
});

describe("processFromGlobal", () => {
  write({
    "proc.ts": [
      "import p, { env, versions as v, argv } from 'node:process';",
      "export const same = () => [p === process, env === process.env, v === process.versions, argv === process.argv, v.node === process.versions.node];",
    ].join("\n"),
    "proc-stdin.ts": "import { stdin } from 'node:process';\nexport const input = () => stdin;\n",
  });

  // The child notes whether anything reads process.stdin while the bundle loads (Node's facade does).
  const script = (out: string) =>
    [
      "let stdinRead = false;",
      "const d = Object.getOwnPropertyDescriptor(process, 'stdin');",
      "Object.defineProperty(process, 'stdin', { configurable: true, enumerable: true, get() { stdinRead = true; return d.get.call(process); } });",
      `const m = await import(${JSON.stringify(join(dir, out, "index.mjs"))});`,
      "console.log(JSON.stringify({ stdinRead, same: m.same() }));",
    ].join("\n");

  it("gives the same values as Node's module without building its facade (which reads process.stdin)", async () => {
    await bundle("proc.ts", "proc-global", [processFromGlobal]);
    const global = spawnSync(process.execPath, ["--input-type=module", "-e", script("proc-global")], { encoding: "utf8" });
    expect(JSON.parse(global.stdout)).toEqual({ stdinRead: false, same: [true, true, true, true, true] });
    // Without the plugin the facade reads every getter (the control).
    await bundle("proc.ts", "proc-facade", []);
    const facade = spawnSync(process.execPath, ["--input-type=module", "-e", script("proc-facade")], { encoding: "utf8" });
    expect(JSON.parse(facade.stdout)).toEqual({ stdinRead: true, same: [true, true, true, true, true] });
  });

  it("fails the build on a named import of one of process's getters, rather than give undefined", async () => {
    await expect(bundle("proc-stdin.ts", "proc-stdin", [processFromGlobal])).rejects.toThrow(/stdin/);
  });

  it("exports the default and the data properties it is given, identifiers only", () => {
    expect(processModuleSource(["env", "versions", "default", "not-an-identifier"])).toBe(
      "const p = globalThis.process;\nexport default p;\nexport const { env, versions } = p;\n",
    );
  });
});
