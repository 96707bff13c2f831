/** scripts/bench/ask-latency.ts: one answer's trace as labelled steps, and the median path of many. */
import { invocationsOf, invocationSummary, medianPath, stepsOf } from "../../../../scripts/bench/ask-latency";

describe("stepsOf", () => {
  it("labels each event with its occurrence and times it from the send", () => {
    const steps = stepsOf(
      [
        { atMs: 101, service: "dynamodb", operation: "Request", detail: "GetItem" },
        { atMs: 103, service: "dynamodb", operation: "Request", detail: "GetItem" },
        { atMs: 110, service: "apigateway", operation: "PostToConnectionSent" },
      ],
      100,
    );
    expect(steps).toEqual([
      { label: "dynamodb Request GetItem #1", atMs: 1 },
      { label: "dynamodb Request GetItem #2", atMs: 3 },
      { label: "apigateway PostToConnectionSent #1", atMs: 10 },
    ]);
  });
});

describe("medianPath", () => {
  it("keeps the steps every answer has, at their median time, in order", () => {
    const path = medianPath([
      [
        { label: "a #1", atMs: 5 },
        { label: "b #1", atMs: 1 },
        { label: "only-here #1", atMs: 2 },
      ],
      [
        { label: "a #1", atMs: 7 },
        { label: "b #1", atMs: 2 },
      ],
      [
        { label: "a #1", atMs: 6 },
        { label: "b #1", atMs: 9 },
      ],
    ]);
    expect(path).toEqual([
      { step: "b #1", atMs: 2 },
      { step: "a #1", atMs: 6 },
    ]);
  });
});

describe("invocationsOf", () => {
  it("pairs each function's starts and ends in order, with the CPU its environment reported", () => {
    const invocations = invocationsOf([
      { atMs: 1, service: "lambda", operation: "Invoke", detail: "p-dev-chat" },
      { atMs: 5, service: "lambda", operation: "Invoke", detail: "p-dev-chat" },
      { atMs: 6, service: "lambda", operation: "Invoke", detail: "p-dev-action-group" },
      { atMs: 8, service: "lambda", operation: "InvokeEnd", detail: "p-dev-chat", cpuMs: 3 },
      { atMs: 9, service: "lambda", operation: "InvokeEnd", detail: "p-dev-action-group", cpuMs: 1 },
      { atMs: 20, service: "lambda", operation: "InvokeEnd", detail: "p-dev-chat", cpuMs: 7 },
      { atMs: 21, service: "dynamodb", operation: "Answered", detail: "GetItem" },
    ]);
    expect(invocations).toEqual([
      { label: "chat #1", wallMs: 7, cpuMs: 3 },
      { label: "chat #2", wallMs: 15, cpuMs: 7 },
      { label: "action-group #1", wallMs: 3, cpuMs: 1 },
    ]);
    expect(invocationSummary([invocations, invocations.slice(0, 1)])).toEqual([{ invocation: "chat #1", wallMs: 7, cpuMs: 3 }]);
  });
});
