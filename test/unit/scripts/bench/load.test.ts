import { decisionsPerAsk } from "../../../../scripts/bench/load";

describe("decisionsPerAsk", () => {
  it("counts the IAM evaluations between two samples per served ask, and the cache's share", () => {
    expect(decisionsPerAsk({ hits: 100, misses: 10 }, { hits: 1_060, misses: 50 }, 100)).toEqual({ perAsk: 10, hitRate: 0.96 });
  });

  it("reports no evaluations (the gate off) as zero, not as a division by zero", () => {
    expect(decisionsPerAsk({ hits: 5, misses: 5 }, { hits: 5, misses: 5 }, 0)).toEqual({ perAsk: 0, hitRate: 0 });
  });
});
