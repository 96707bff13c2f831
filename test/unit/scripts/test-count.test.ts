import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { countTestCalls } from "../../../scripts/test-count";

describe("countTestCalls", () => {
  it("counts test( and it( calls at the start of a line, with modifiers, an .each table once", () => {
    const source = [
      'test("a", () => {});',
      '  it("b", async () => {',
      "    // test(\"not a call at line start\") is in a comment after code",
      "  });",
      "  it.each([",
      '    ["x", 1],',
      '  ])("c %s", () => {});',
      'test.skip("d", () => {});',
      "it.each`",
      "  a | b",
      '`("e", () => {});',
      'const notATest = latest("x");',
      'describe("group", () => {});',
    ].join("\n");
    expect(countTestCalls(source)).toBe(5);
  });

  it("finds nothing in a file without tests", () => {
    expect(countTestCalls("export const x = 1;\n")).toBe(0);
  });

  it("counts every browser test file's tests (each file has at least one)", () => {
    const dir = join(__dirname, "..", "..", "e2e");
    const files = readdirSync(dir).filter((f) => f.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(countTestCalls(readFileSync(join(dir, file), "utf8"))).toBeGreaterThan(0);
  });
});
