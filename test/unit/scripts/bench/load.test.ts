import { decisionsPerAsk, defaultIsolationRate } from "../../../../scripts/bench/load";

describe("decisionsPerAsk", () => {
  it("counts the IAM evaluations between two samples per served ask, and the cache's share", () => {
    expect(decisionsPerAsk({ hits: 100, misses: 10 }, { hits: 1_060, misses: 50 }, 100)).toEqual({ perAsk: 10, hitRate: 0.96 });
  });

  it("reports no evaluations (the gate off) as zero, not as a division by zero", () => {
    expect(decisionsPerAsk({ hits: 5, misses: 5 }, { hits: 5, misses: 5 }, 0)).toEqual({ perAsk: 0, hitRate: 0 });
  });
});

describe("defaultIsolationRate", () => {
  const step = (offered: number, served: number) => ({ offered, served });

  it("takes the step below the highest served in full (at least 90 %), not the knee itself", () => {
    expect(defaultIsolationRate([step(10, 10), step(25, 25), step(50, 50), step(75, 75), step(100, 100), step(150, 113.6)])).toBe(75);
    expect(defaultIsolationRate([step(25, 25), step(50, 45.2), step(75, 60)])).toBe(25);
  });

  it("takes the only step served in full, and at least 10/s", () => {
    expect(defaultIsolationRate([step(25, 25), step(50, 20)])).toBe(25);
    expect(defaultIsolationRate([step(5, 5), step(8, 8)])).toBe(10);
    expect(defaultIsolationRate([step(10, 3)])).toBe(10);
  });
});
