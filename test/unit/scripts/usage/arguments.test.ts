/** scripts/usage/arguments.ts: flags, defaults and one clear error per mistake. */
import { parseDay, parseUsageArgs, UsageArgumentsError } from "../../../../scripts/usage/arguments";

const NOW = new Date("2026-12-02T10:00:00Z");

describe("parseUsageArgs", () => {
  it("defaults to this month (UTC) and a table", () => {
    expect(parseUsageArgs([], NOW)).toEqual({ since: "2026-12-01", json: false });
  });

  it("reads every flag", () => {
    expect(
      parseUsageArgs(["--tenant", "tenant1", "--user", "alice", "--since", "2026-11-15", "--json", "--chart", "out.svg", "--outputs", "o.json", "--config", "c.yaml"], NOW),
    ).toEqual({ tenant: "tenant1", user: "alice", since: "2026-11-15", json: true, chart: "out.svg", outputs: "o.json", config: "c.yaml" });
  });

  it.each([
    [["--since", "2026-13-01"], /--since must be a calendar day YYYY-MM-DD/],
    [["--since", "2026-02-30"], /--since must be a calendar day/],
    [["--since", "yesterday"], /--since must be a calendar day/],
    [["--since", "2026-12-03"], /after today \(2026-12-02, UTC\)/],
    [["--tenant"], /--tenant needs a value/],
    [["--tenant", "--json"], /--tenant needs a value/],
    [["--verbose"], /unknown option --verbose/],
    [["tenant1"], /unexpected argument "tenant1"/],
    [["--chart", "out.png"], /--chart needs a file name ending in .svg/],
    [["--user", "a", "--user", "b"], /--user given twice/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseUsageArgs(argv, NOW)).toThrow(UsageArgumentsError);
    expect(() => parseUsageArgs(argv, NOW)).toThrow(message);
  });
});

describe("parseDay", () => {
  it("accepts real calendar days only", () => {
    expect(parseDay("2024-02-29")).toBe("2024-02-29");
    expect(parseDay("2025-02-29")).toBeUndefined();
    expect(parseDay("2026-1-01")).toBeUndefined();
  });
});
