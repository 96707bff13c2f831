import { BenchmarkIamGateSwitch, ENFORCED_IAM_GATE, switchIamGate, type IamGate } from "../../../../local/iam/iam-gate";
import { answerIamGate } from "../../../../scripts/bench/stack-process";

/** A stack's `setIamGate` as local/stack.ts wires it, over the given gate. */
const stackWith = (gate: IamGate) => ({ setIamGate: (enforced: boolean) => switchIamGate(gate, enforced) });

describe("answerIamGate (the stack process's side of the switch, T25a)", () => {
  it("refuses on a stack started without the benchmark-only switch, whose gate stays enforced", () => {
    expect(answerIamGate(stackWith(ENFORCED_IAM_GATE), { enforced: false })).toEqual({ type: "iam-gate", refused: expect.stringContaining("IamGateFixedError") });
    expect(ENFORCED_IAM_GATE.enforced).toBe(true);
  });

  it("switches a benchmark stack's gate off and on", () => {
    const gate = new BenchmarkIamGateSwitch();
    expect(answerIamGate(stackWith(gate), { enforced: false })).toEqual({ type: "iam-gate", enforced: false });
    expect(gate.enforced).toBe(false);
    expect(answerIamGate(stackWith(gate), { enforced: true })).toEqual({ type: "iam-gate", enforced: true });
    expect(gate.enforced).toBe(true);
  });

  it("refuses anything but true or false, the gate unchanged", () => {
    const gate = new BenchmarkIamGateSwitch();
    for (const enforced of ["false", 0, null, undefined]) {
      expect(answerIamGate(stackWith(gate), { enforced })).toEqual({ type: "iam-gate", refused: "enforced must be true or false" });
    }
    expect(gate.enforced).toBe(true);
  });
});
