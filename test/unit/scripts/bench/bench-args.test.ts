/** scripts/bench/bench-args.ts: every benchmark's options read one way, `--no-write` in all of them, anything else refused. */
import { BenchArgumentError, parseBenchArgs, usage } from "../../../../scripts/bench/bench-args";

const OPTIONS = { "--short": "N", "--long": "N" } as const;

describe("parseBenchArgs", () => {
  it("reads the declared options and writes by default", () => {
    const args = parseBenchArgs("ask-latency", ["--short", "30", "--long", "6"], OPTIONS);
    expect(args.value("--short")).toBe("30");
    expect(args.value("--long")).toBe("6");
    expect(args.write).toBe(true);
  });

  it("leaves an option not given undefined, for the script's default", () => {
    expect(parseBenchArgs("ask-latency", [], OPTIONS).value("--short")).toBeUndefined();
  });

  it("takes --no-write in every script, with or without other options, in any place", () => {
    expect(parseBenchArgs("cold-start", ["--no-write"], {}).write).toBe(false);
    const args = parseBenchArgs("ask-latency", ["--short", "3", "--no-write", "--long", "1"], OPTIONS);
    expect(args.write).toBe(false);
    expect(args.has("--no-write")).toBe(true);
    expect(args.value("--long")).toBe("1");
  });

  it.each<[string, string[], string]>([
    ["an unknown option (a typo must not write the figures it was meant to keep)", ["--no-wirte"], "ask-latency: unknown option --no-wirte (options: --short N, --long N, --no-write)"],
    ["an option of another benchmark", ["--rates", "10"], "ask-latency: unknown option --rates (options: --short N, --long N, --no-write)"],
    ["a stray argument", ["30"], 'ask-latency: unexpected argument "30" (options: --short N, --long N, --no-write)'],
    ["an option without its value", ["--short"], "ask-latency: --short needs a value (options: --short N, --long N, --no-write)"],
    ["an option followed by another option", ["--short", "--no-write"], "ask-latency: --short needs a value"],
    ["an option given twice", ["--short", "1", "--short", "2"], "ask-latency: --short given twice"],
    ["a value given to a switch", ["--no-write", "yes"], 'ask-latency: unexpected argument "yes"'],
    ["an inherited name", ["constructor"], 'ask-latency: unexpected argument "constructor"'],
  ])("refuses %s, naming the script and its options", (_name, argv, message) => {
    expect(() => parseBenchArgs("ask-latency", argv, OPTIONS)).toThrow(BenchArgumentError);
    expect(() => parseBenchArgs("ask-latency", argv, OPTIONS)).toThrow(message);
  });

  it("treats a script asking for an option it did not declare as the script's bug", () => {
    const args = parseBenchArgs("load", [], { "--rates": "R,…" });
    expect(() => args.value("--isolation-pairs")).toThrow("load: option --isolation-pairs is not declared");
    expect(() => args.value("--isolation-pairs")).not.toThrow(BenchArgumentError);
  });
});

describe("usage", () => {
  it("lists the options, values marked, --no-write last", () => {
    expect(usage({ "--asks": "N", "--rates": "R,…" })).toBe("--asks N, --rates R,…, --no-write");
    expect(usage({})).toBe("--no-write");
  });
});
