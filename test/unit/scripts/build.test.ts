/** The Lambda bundles stay free of classic zod (Lambda code uses zod/mini) and within budget. */
import type { Metafile } from "esbuild";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { FUNCTION_NAMES } from "../../../infra/naming";
import {
  builtinsLoadedAtStart,
  buildFunction,
  bytesLoadedAtStart,
  entryOutputOf,
  filesLoadedAtStart,
  inputsLoadedAtStart,
  outputsLoadedAtStart,
} from "../../../local/lambda/function-bundler";
import { BUILTINS_NOT_AT_START, BUNDLE_BUDGET_BYTES, bundleBytes, classicZodInputs, START_BUDGET_BYTES } from "../../../scripts/build";

const metafileWith = (...paths: string[]): Metafile => ({
  inputs: Object.fromEntries(paths.map((path) => [path, { bytes: 1, imports: [] }])),
  outputs: {},
});

describe("classicZodInputs", () => {
  it("finds classic zod among a bundle's inputs and passes zod/mini", () => {
    expect(
      classicZodInputs(metafileWith("lambdas/common/protocol.ts", "node_modules/zod/v4/classic/schemas.js", "node_modules/zod/v4/core/schemas.js")),
    ).toEqual(["node_modules/zod/v4/classic/schemas.js"]);
    expect(classicZodInputs(metafileWith("node_modules/zod/v4/mini/schemas.js", "node_modules/zod/v4/core/schemas.js"))).toEqual([]);
  });
});

describe("Lambda bundles", () => {
  const outDir = mkdtempSync(join(tmpdir(), "mta-build-test-"));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  const built = new Map<string, Metafile>();
  const build = async (name: (typeof FUNCTION_NAMES)[number]) => {
    const outfile = join(outDir, name, "index.mjs");
    if (!built.has(name)) built.set(name, await buildFunction(name, undefined, outfile));
    return { outfile, metafile: built.get(name)! };
  };

  // Building is slow on a busy machine: allow it.
  const BUILD_TIMEOUT_MS = 60_000;

  it.each(["chat"] as const)("%s uses zod/mini only and fits its budget", async (name) => {
    const { outfile, metafile } = await build(name);
    expect(Object.keys(metafile.inputs).some((path) => path.includes("node_modules/zod/v4/mini/"))).toBe(true);
    expect(classicZodInputs(metafile)).toEqual([]);
    expect(statSync(outfile).size).toBeGreaterThan(0);
    expect(bundleBytes(outfile)).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[name]);
  }, BUILD_TIMEOUT_MS);

  it("the authorizer carries no zod at all (its config is checked by hand) and fits 50 KB", async () => {
    const { outfile, metafile } = await build("authorizer");
    expect(Object.keys(metafile.inputs).filter((path) => path.includes("node_modules/zod/"))).toEqual([]);
    expect(BUNDLE_BUDGET_BYTES.authorizer).toBe(50 * 1024);
    expect(bundleBytes(outfile)).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES.authorizer);
  }, BUILD_TIMEOUT_MS);

  // Their environments and the action group's session attributes are checked by hand
  // (lambdas/common/environment-checks.ts, session-attributes.ts).
  it.each(["action-group", "offboarding"] as const)("%s carries no zod at all and fits its budget", async (name) => {
    const { outfile, metafile } = await build(name);
    expect(Object.keys(metafile.inputs).filter((path) => path.includes("node_modules/zod/"))).toEqual([]);
    expect(bundleBytes(outfile)).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[name]);
  }, BUILD_TIMEOUT_MS);

  // Each file at start is a module Node resolves, reads, compiles and links (start-plugins.ts):
  // the entry and one chunk.
  const MAX_FILES_AT_START = 2;

  it.each(FUNCTION_NAMES)("%s loads at start no more than its start budget, in a few files, without node:http2 or node:process", async (name) => {
    const { outfile, metafile } = await build(name);
    const entry = entryOutputOf(metafile, outfile);
    expect(bytesLoadedAtStart(metafile, entry)).toBeLessThanOrEqual(START_BUDGET_BYTES[name]);
    expect(outputsLoadedAtStart(metafile, entry).length).toBeLessThanOrEqual(MAX_FILES_AT_START);
    const builtins = builtinsLoadedAtStart(metafile, entry);
    expect(BUILTINS_NOT_AT_START.filter((builtin) => builtins.has(builtin))).toEqual([]);
    // Read from the files (what the cold-start benchmark measures), the same set.
    const files = filesLoadedAtStart(outfile).map((file) => relative(process.cwd(), file));
    expect(files.sort()).toEqual(outputsLoadedAtStart(metafile, entry).sort());
    // The helper does see Node's modules: every bundle loads node:crypto (the logger, SigV4, JWT checks).
    expect(builtins.has("node:crypto")).toBe(true);
  }, BUILD_TIMEOUT_MS);

  it("the chat entry loads no Bedrock, Lambda or STS client at start: the routes that use them load them", async () => {
    const { metafile } = await build("chat");
    const atStart = [...inputsLoadedAtStart(metafile, entryOutputOf(metafile, join(outDir, "chat", "index.mjs")))];
    const clients = (inputs: string[], name: string) => inputs.filter((path) => path.includes(`node_modules/@aws-sdk/${name}/`));
    for (const later of ["client-bedrock-agent-runtime", "client-lambda", "client-sts"]) {
      expect(clients(atStart, later)).toEqual([]);
      // ...and they are in the bundle, for the routes that need them.
      expect(clients(Object.keys(metafile.inputs), later).length).toBeGreaterThan(0);
    }
    expect(clients(atStart, "client-dynamodb").length).toBeGreaterThan(0);
    expect(atStart.some((path) => path.endsWith("lambdas/chat/connect-routes.ts"))).toBe(false);
  }, BUILD_TIMEOUT_MS);

  // zod schemas cost far more to build at start than their bytes suggest (docs/performance.md,
  // "Cold start"): the client-message, answer-request and invocation-record schemas load with
  // the routes that parse them, and only the chat function has those routes.
  // Their environments and the action group's session attributes are checked without zod.
  it.each(FUNCTION_NAMES)("%s loads no zod at start", async (name) => {
    const { outfile, metafile } = await build(name);
    expect([...inputsLoadedAtStart(metafile, entryOutputOf(metafile, outfile))].filter((path) => path.includes("node_modules/zod/"))).toEqual([]);
  }, BUILD_TIMEOUT_MS);

  it.each(FUNCTION_NAMES)("%s builds no client-message, answer-request or invocation-record schema at start", async (name) => {
    const { outfile, metafile } = await build(name);
    const atStart = [...inputsLoadedAtStart(metafile, entryOutputOf(metafile, outfile))];
    for (const later of ["lambdas/common/protocol.ts", "lambdas/chat/answer-request.ts", "lambdas/chat/dropped-answer.ts", "node_modules/zod/v4/locales/"]) {
      expect(atStart.filter((path) => path.includes(later))).toEqual([]);
    }
    if (name === "chat") {
      const inputs = Object.keys(metafile.inputs);
      for (const route of ["lambdas/common/protocol.ts", "lambdas/chat/answer-request.ts", "lambdas/chat/dropped-answer.ts"]) expect(inputs.some((path) => path.endsWith(route))).toBe(true);
    }
  }, BUILD_TIMEOUT_MS);
});
