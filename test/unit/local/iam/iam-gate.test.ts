import { BenchmarkIamGateSwitch, ENFORCED_IAM_GATE, iamGateFor, iamGateLabel, IamGateFixedError, switchIamGate } from "../../../../local/iam/iam-gate";

describe("the IAM gate (T25a)", () => {
  it("is the fixed, enforced gate unless the benchmark-only option asks for a switch", () => {
    expect(iamGateFor(undefined)).toBe(ENFORCED_IAM_GATE);
    expect(iamGateFor({})).toBe(ENFORCED_IAM_GATE);
    expect(iamGateFor({ iamGateSwitch: false })).toBe(ENFORCED_IAM_GATE);
    expect(iamGateFor({ iamGateSwitch: "yes" } as never)).toBe(ENFORCED_IAM_GATE);
    expect(iamGateFor({ iamGateSwitch: true })).toBeInstanceOf(BenchmarkIamGateSwitch);
  });

  it("refuses to switch a fixed gate, which stays enforced", () => {
    expect(() => switchIamGate(ENFORCED_IAM_GATE, false)).toThrow(IamGateFixedError);
    expect(() => switchIamGate(ENFORCED_IAM_GATE, false)).toThrow(expect.objectContaining({ code: "IAM_GATE_FIXED" }));
    expect(ENFORCED_IAM_GATE.enforced).toBe(true);
    expect(() => Object.assign(ENFORCED_IAM_GATE, { enforced: false })).toThrow(TypeError);
    expect(iamGateLabel(ENFORCED_IAM_GATE)).toBe("enforced");
  });

  it("turns a benchmark's switch off and back on, and labels each state apart from the fixed gate's", () => {
    const gate = iamGateFor({ iamGateSwitch: true });
    expect(gate.enforced).toBe(true);
    expect(iamGateLabel(gate)).toBe("enforced (benchmark switch)");
    switchIamGate(gate, false);
    expect(gate.enforced).toBe(false);
    expect(iamGateLabel(gate)).toBe("off (benchmark only)");
    switchIamGate(gate, true);
    expect(gate.enforced).toBe(true);
  });
});
