/** local/runtime/call-counter.ts: counts by service and operation, details, bytes, differences. */
import { CallCounter, callsOf, countsSince, serviceCalls } from "../../../../local/runtime/call-counter";

describe("CallCounter", () => {
  it("counts calls and bytes by service and operation, and under operation:detail when given", () => {
    const counter = new CallCounter();
    counter.count("dynamodb", "GetItem", { detail: "connections" });
    counter.count("dynamodb", "GetItem", { detail: "tenants" });
    counter.count("apigateway", "PostToConnection", { bytes: 120, detail: "chunk" });
    counter.count("apigateway", "PostToConnection", { bytes: 30, detail: "done" });
    const counts = counter.snapshot();
    expect(counts.dynamodb).toEqual({
      GetItem: { calls: 2, bytes: 0 },
      "GetItem:connections": { calls: 1, bytes: 0 },
      "GetItem:tenants": { calls: 1, bytes: 0 },
    });
    expect(counts.apigateway.PostToConnection).toEqual({ calls: 2, bytes: 150 });
    expect(callsOf(counts, "apigateway", "PostToConnection:done")).toBe(1);
    expect(callsOf(counts, "sts", "AssumeRole")).toBe(0);
    expect(serviceCalls(counts, "dynamodb")).toBe(2);
  });

  it("snapshots are copies, and countsSince keeps only what changed", () => {
    const counter = new CallCounter();
    counter.count("sts", "AssumeRole");
    const before = counter.snapshot();
    counter.count("sts", "AssumeRole");
    counter.count("lambda", "Invoke", { detail: "chat" });
    expect(before.sts.AssumeRole.calls).toBe(1);
    expect(countsSince(counter.snapshot(), before)).toEqual({
      lambda: { Invoke: { calls: 1, bytes: 0 }, "Invoke:chat": { calls: 1, bytes: 0 } },
      dynamodb: {},
      sts: { AssumeRole: { calls: 1, bytes: 0 } },
      apigateway: {},
      bedrock: {},
    });
    counter.reset();
    expect(serviceCalls(counter.snapshot(), "sts")).toBe(0);
  });
});
