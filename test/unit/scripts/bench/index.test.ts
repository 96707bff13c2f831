/** `npm run bench --only …` picks benchmarks by name and refuses names it does not know. */
import { BENCHMARKS, selectBenchmarks } from "../../../../scripts/bench/index";

describe("selectBenchmarks", () => {
  it("runs every benchmark without --only", () => {
    expect(selectBenchmarks([])).toEqual(BENCHMARKS);
    expect(BENCHMARKS).toContain("cold-start.ts");
  });

  it("runs only the named ones, with or without .ts, in the order given", () => {
    expect(selectBenchmarks(["--only", "cold-start"])).toEqual(["cold-start.ts"]);
    expect(selectBenchmarks(["--only", "load.ts,answer-costs"])).toEqual(["load.ts", "answer-costs.ts"]);
  });

  it("refuses an unknown or missing name, listing the known ones", () => {
    expect(() => selectBenchmarks(["--only", "cold-start,warm-start"])).toThrow(
      `--only takes benchmark names separated by commas, of: ${BENCHMARKS.map((file) => file.replace(/\.ts$/, "")).join(", ")}`,
    );
    expect(() => selectBenchmarks(["--only"])).toThrow(/--only takes benchmark names/);
  });
});
