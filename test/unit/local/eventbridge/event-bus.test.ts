/** The local default event bus: pattern matching and asynchronous delivery. */
import { LocalEventBus, matchesPattern } from "../../../../local/eventbridge/event-bus";

describe("matchesPattern", () => {
  const pattern = { source: ["aws.x"], detail: { eventName: ["A", "B"] } };
  it("matches nested values listed in the pattern", () => {
    expect(matchesPattern(pattern, { source: "aws.x", detail: { eventName: "B", other: 1 } })).toBe(true);
  });
  it.each([
    [{ source: "aws.y", detail: { eventName: "A" } }],
    [{ source: "aws.x", detail: { eventName: "C" } }],
    [{ source: "aws.x" }],
    [null],
    [["aws.x"]],
  ])("refuses %p", (event) => {
    expect(matchesPattern(pattern, event)).toBe(false);
  });
});

describe("LocalEventBus", () => {
  it("delivers matching events to the rule's target without waiting, and reports failures", async () => {
    const failures: string[] = [];
    const bus = new LocalEventBus((rule) => failures.push(rule));
    const delivered: unknown[] = [];
    bus.addRule({ name: "ok", pattern: { source: ["a"] }, deliver: async (e) => void delivered.push(e) });
    bus.addRule({ name: "broken", pattern: { source: ["a"] }, deliver: async () => Promise.reject(new Error("down")) });
    bus.put({ source: "a" });
    bus.put({ source: "b" });
    await bus.drain();
    expect(delivered).toEqual([{ source: "a" }]);
    expect(failures).toEqual(["broken"]);
  });
});
