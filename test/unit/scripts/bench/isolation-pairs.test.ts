import {
  gateDecisionsPerAsk,
  isolationPair,
  median,
  planIsolationPairs,
  settingMismatch,
  summarizeIsolation,
  type GateStep,
} from "../../../../scripts/bench/isolation-pairs";

const step = (p50Ms: number, system: number, stack: number, decisions = 12, assumeRole = 0.2): GateStep => ({
  offered: 25,
  served: 25,
  p50Ms,
  p99Ms: p50Ms * 2,
  loadAverage1m: 1,
  cpuMsPerAsk: { system, stack, chat: system - stack },
  iamDecisions: { perAsk: decisions },
  callsPerAsk: { "sts:AssumeRole": assumeRole },
});

describe("planIsolationPairs", () => {
  it("alternates the order pair by pair (ABBA): on off | off on | on off | off on", () => {
    expect(planIsolationPairs(4)).toEqual([
      ["on", "off"],
      ["off", "on"],
      ["on", "off"],
      ["off", "on"],
    ]);
    expect(planIsolationPairs(3).flat()).toEqual(["on", "off", "off", "on", "on", "off"]);
  });

  it("refuses a count that is not a positive integer", () => {
    expect(() => planIsolationPairs(0)).toThrow(RangeError);
    expect(() => planIsolationPairs(2.5)).toThrow(RangeError);
  });
});

describe("median", () => {
  it("takes the middle value of an odd count and the mean of the middle two of an even one, whatever the order", () => {
    expect(median([1.3, 0.8, 1.1])).toBe(1.1);
    expect(median([1.4, 1, 1.2, 5])).toBeCloseTo(1.3, 10);
    expect(median([])).toBeNaN();
  });
});

describe("isolationPair", () => {
  it("divides on by off whichever ran first", () => {
    const on = step(40, 44, 13);
    const off = step(32, 40, 10, 0.4);
    const onFirst = isolationPair(["on", "off"], [on, off]);
    const offFirst = isolationPair(["off", "on"], [off, on]);
    // The stack process's 3 ms more against the system's 40 off: 1.075×.
    expect(onFirst).toMatchObject({ order: "on-off", ratio: 1.25, cpuRatio: 1.1, stackCpuRatio: 1.3, stackOnlyCpuRatio: 1.08 });
    expect(offFirst).toEqual({ ...onFirst, order: "off-on" });
    expect(offFirst.on).toBe(on);
  });
});

describe("summarizeIsolation", () => {
  it("reports the median of the pairs' ratios, so one disturbed pair does not move it, and keeps every pair", () => {
    const pairs = [
      isolationPair(["on", "off"], [step(40, 44, 13), step(40, 40, 10)]),
      isolationPair(["off", "on"], [step(40, 20, 10), step(40, 60, 13)]), // a disturbed pair: 3×
      isolationPair(["on", "off"], [step(40, 42, 12), step(40, 40, 10)]),
    ];
    const summary = summarizeIsolation(25, 5, pairs);
    expect(summary).toMatchObject({ offered: 25, stepSeconds: 5, cpuRatio: 1.1, stackCpuRatio: 1.3, stackOnlyCpuRatio: 1.08, ratio: 1, cpuMsPerAskOn: 44, cpuMsPerAskOff: 40 });
    expect(summary.pairs).toBe(pairs);
  });
});

describe("settingMismatch", () => {
  it("accepts a step whose IAM decisions match its setting: STS's two per AssumeRole stay on either way", () => {
    expect(gateDecisionsPerAsk(step(40, 40, 10, 0.4, 0.2))).toBe(0);
    expect(settingMismatch("off", step(40, 40, 10, 0.4, 0.2))).toBeUndefined();
    expect(settingMismatch("on", step(40, 40, 10, 12.4, 0.2))).toBeUndefined();
  });

  it("names a step whose decisions say the switch did not take", () => {
    expect(settingMismatch("off", step(40, 40, 10, 12.4, 0.2))).toMatch(/to be off, but .* 12 IAM decisions per ask/);
    expect(settingMismatch("on", step(40, 40, 10, 0.4, 0.2))).toMatch(/to be on, but .* 0 IAM decisions per ask/);
  });
});
