import { cpuMsPerAsk, functionGroup, parseStat, processesStarted, sampleCpu, type CpuTicks } from "../../../../scripts/bench/process-cpu";

describe("parseStat", () => {
  it("reads the parent pid and user + system ticks, whatever the process name holds", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = "4242 (node (worker) x) S 17 4242 17 0 -1 4194304 900 0 3 0 250 75 0 0 20 0 11 0 1234";
    expect(parseStat(stat)).toEqual({ ppid: 17, ticks: 325 });
  });

  it("refuses a line it cannot read", () => {
    expect(parseStat("garbage")).toBeUndefined();
  });
});

describe("functionGroup", () => {
  it("names an execution environment by its function, the stack's prefix stripped", () => {
    expect(functionGroup("PATH=/bin\0AWS_LAMBDA_FUNCTION_NAME=mta-dev-chat\0TZ=UTC", "mta-dev-")).toBe("chat");
  });

  it("leaves out a child that is no Lambda environment", () => {
    expect(functionGroup("PATH=/bin\0TZ=UTC", "mta-dev-")).toBeUndefined();
  });
});

describe("cpuMsPerAsk", () => {
  const before: CpuTicks = new Map([
    [1, { group: "loadGenerator", ticks: 100 }],
    [2, { group: "stack", ticks: 1_000 }],
    [3, { group: "chat", ticks: 500 }],
    [4, { group: "chat", ticks: 50 }],
  ]);
  const after: CpuTicks = new Map([
    [1, { group: "loadGenerator", ticks: 110 }],
    [2, { group: "stack", ticks: 1_300 }],
    [3, { group: "chat", ticks: 700 }],
    // pid 4 is gone; pid 5 was born during the step (its cold start counts).
    [5, { group: "chat", ticks: 100 }],
  ]);

  it("divides each group's CPU by the asks served, sums the system apart from the load generator", () => {
    // 100 ticks/s: stack 300 ticks = 3,000 ms; chat 200 + 100 = 3,000 ms; load generator 100 ms.
    expect(cpuMsPerAsk(before, after, 100, 100)).toEqual({ chat: 30, loadGenerator: 1, stack: 30, system: 60 });
  });

  it("counts the environments started between the samples", () => {
    expect(processesStarted(before, after)).toBe(1);
  });
});

describe("sampleCpu", () => {
  it("finds this process as the load generator", () => {
    const sample = sampleCpu(-1, "none-");
    if (process.platform !== "linux") return expect(sample.size).toBe(0);
    expect(sample.get(process.pid)?.group).toBe("loadGenerator");
    expect(sample.get(process.pid)?.ticks).toBeGreaterThanOrEqual(0);
  });
});
