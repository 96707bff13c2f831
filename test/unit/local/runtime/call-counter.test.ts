/** local/runtime/call-counter.ts: counts by service and operation, details, bytes, differences. */
import { CallCounter, callsOf, countsSince, MAX_TRACE_EVENTS, serviceCalls } from "../../../../local/runtime/call-counter";

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

describe("CallCounter traces (benchmark only)", () => {
  it("records nothing until a trace starts, then every count and mark in order with its time", () => {
    const counter = new CallCounter();
    counter.count("dynamodb", "GetItem", { detail: "connections" });
    counter.mark("lambda", "InvokeEnd", "chat");
    expect(counter.stopTrace()).toEqual([]);
    counter.startTrace();
    counter.count("dynamodb", "GetItem", { detail: "connections" });
    counter.mark("lambda", "InvokeEnd", "chat");
    const events = counter.stopTrace();
    expect(events.map(({ service, operation, detail }) => ({ service, operation, detail }))).toEqual([
      { service: "dynamodb", operation: "GetItem", detail: "connections" },
      { service: "lambda", operation: "InvokeEnd", detail: "chat" },
    ]);
    expect(events[1].atMs).toBeGreaterThanOrEqual(events[0].atMs);
    // A mark is not a call: the counts hold only the two GetItems.
    expect(callsOf(counter.snapshot(), "lambda", "InvokeEnd")).toBe(0);
    expect(callsOf(counter.snapshot(), "dynamodb", "GetItem")).toBe(2);
    // Stopped: nothing more is recorded.
    counter.mark("lambda", "InvokeEnd", "chat");
    expect(counter.stopTrace()).toEqual([]);
  });

  it("keeps at most MAX_TRACE_EVENTS events", () => {
    const counter = new CallCounter();
    counter.startTrace();
    for (let i = 0; i < MAX_TRACE_EVENTS + 5; i++) counter.mark("apigateway", "PostToConnectionSent");
    expect(counter.stopTrace()).toHaveLength(MAX_TRACE_EVENTS);
  });
});
