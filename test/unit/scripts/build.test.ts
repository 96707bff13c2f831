/** The Lambda bundles stay free of classic zod (Lambda code uses zod/mini) and within budget. */
import type { Metafile } from "esbuild";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FUNCTION_NAMES } from "../../../infra/naming";
import { buildFunction } from "../../../local/lambda/function-bundler";
import { BUNDLE_BUDGET_BYTES, classicZodInputs } from "../../../scripts/build";

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

  it.each(FUNCTION_NAMES)("%s uses zod/mini only and fits its budget", async (name) => {
    const outfile = join(outDir, name, "index.js");
    const metafile = await buildFunction(name, undefined, outfile);
    expect(Object.keys(metafile.inputs).some((path) => path.includes("node_modules/zod/v4/mini/"))).toBe(true);
    expect(classicZodInputs(metafile)).toEqual([]);
    expect(statSync(outfile).size).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES[name]);
  });
});
