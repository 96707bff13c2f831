import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { LambdaService, MissingBundleError, functionNameFrom, localAsyncInvoke, localMaxEnvironments } from "../../../../local/lambda/lambda-service";
import { ADMIN_POLICY } from "../../../../local/iam/roles";
import { BenchmarkIamGateSwitch, switchIamGate } from "../../../../local/iam/iam-gate";

const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
const dir = mkdtempSync(join(tmpdir(), "lambda-service-"));
const bundle = join(dir, "index.js");
writeFileSync(
  bundle,
  `exports.handler = async (event, context) => {
     if (event.fail) throw new TypeError("asked to fail");
     if (event.crash) process.exit(3);
     if (event.marker) require("fs").writeFileSync(event.marker, "ran");
     return { echo: event, fn: context.functionName, env: process.env.MY_SETTING, key: process.env.AWS_ACCESS_KEY_ID, remaining: context.getRemainingTimeInMillis() > 0, requestId: context.awsRequestId, execArgv: process.execArgv };
   };`,
);
const slow = join(dir, "slow.js");
writeFileSync(
  slow,
  `exports.handler = async () => "wrong export";
   exports.run = async (event) => {
     if (event.hangMs) await new Promise((resolve) => setTimeout(resolve, event.hangMs));
     return { pid: process.pid };
   };`,
);
// Module-level state: under Lambda's one-invocation-per-environment model, `active` is never above 1.
const stateful = join(dir, "stateful.js");
writeFileSync(
  stateful,
  `let active = 0;
   exports.handler = async (event) => {
     active += 1;
     const seen = active;
     await new Promise((resolve) => setTimeout(resolve, event.holdMs || 0));
     active -= 1;
     return { pid: process.pid, seen };
   };`,
);
const other = join(dir, "other.js");
writeFileSync(other, `exports.handler = async () => "other";`);

describe("LambdaService", () => {
  const registry = new CredentialRegistry();
  const fnCreds = registry.issueLongTerm({ principalArn: "arn:aws:sts::000000000000:assumed-role/fn-role/fn", policies: [], sessionTags: {} });
  const admin = registry.issueLongTerm({ principalArn: "arn:aws:iam::000000000000:user/op", policies: [ADMIN_POLICY], sessionTags: {} });
  const service = new LambdaService({ ctx });
  let http: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    service.setBaseEnvironment({ PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" });
    service.define({ name: "fn", bundle, environment: { MY_SETTING: "on" }, credentials: fnCreds, timeoutMs: 5000 });
    service.define({ name: "slow", bundle: slow, environment: {}, credentials: fnCreds, timeoutMs: 300, handler: "slow.run" });
    service.define({ name: "pool", bundle: stateful, environment: {}, credentials: fnCreds, timeoutMs: 5000, maxEnvironments: 3 });
    await service.startAll();
    http = await service.startHttp(0, registry);
  });
  afterAll(async () => {
    await http.close();
    await service.close();
  });

  it("runs the bundle in a child with its environment, credentials and a Lambda context", async () => {
    const result = await service.invoke("fn", { hello: "world" });
    expect(result.functionError).toBeUndefined();
    expect(result.payload).toMatchObject({ echo: { hello: "world" }, fn: "fn", env: "on", key: fnCreds.accessKeyId, remaining: true });
    // As Lambda's runtime without NODE_OPTIONS: no source maps (each cold start would read and parse them).
    expect((result.payload as { execArgv: string[] }).execArgv).not.toContain("--enable-source-maps");
  });

  it("reports a thrown error as an Unhandled function error", async () => {
    const result = await service.invoke("fn", { fail: true });
    expect(result).toMatchObject({ functionError: "Unhandled", payload: { errorType: "TypeError", errorMessage: "asked to fail" } });
  });

  it("restarts a crashed environment", async () => {
    const crashed = await service.invoke("fn", { crash: true });
    expect(crashed).toMatchObject({ functionError: "Unhandled", payload: { errorType: "Runtime.ExitError" } });
    expect((await service.invoke("fn", { again: 1 })).functionError).toBeUndefined();
  });

  it("runs the export its handler setting names", async () => {
    expect((await service.invoke("slow", {})).payload).toEqual({ pid: expect.any(Number) });
  });

  it("fails an invocation past its timeout as Lambda does, and runs the next one in a fresh environment", async () => {
    const before = (await service.invoke("slow", {})).payload as { pid: number };
    const timedOut = await service.invoke("slow", { hangMs: 5000 });
    expect(timedOut).toMatchObject({
      functionError: "Unhandled",
      payload: { errorType: "Sandbox.Timedout", errorMessage: expect.stringMatching(/Task timed out after 0\.30 seconds$/) },
    });
    const after = await service.invoke("slow", { hangMs: 10 });
    expect(after.functionError).toBeUndefined();
    expect((after.payload as { pid: number }).pid).not.toBe(before.pid);
  });

  it("serves the Invoke REST API with SigV4 and an IAM check", async () => {
    const client = (c: { accessKeyId: string; secretAccessKey: string }) =>
      new LambdaClient({ region: "us-east-1", endpoint: http.url, credentials: c });
    const ok = await client(admin).send(new InvokeCommand({ FunctionName: "fn", Payload: Buffer.from('{"a":1}') }));
    expect(JSON.parse(Buffer.from(ok.Payload!).toString())).toMatchObject({ echo: { a: 1 } });
    const failed = await client(admin).send(new InvokeCommand({ FunctionName: "fn", Payload: Buffer.from('{"fail":true}') }));
    expect(failed.FunctionError).toBe("Unhandled");

    const marker = join(dir, "event-marker");
    const queued = await client(admin).send(
      new InvokeCommand({ FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:fn", InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ marker })) }),
    );
    expect(queued.StatusCode).toBe(202);

    await expect(client(fnCreds).send(new InvokeCommand({ FunctionName: "fn" }))).rejects.toMatchObject({ name: "AccessDeniedException" });
    await expect(client({ ...admin, secretAccessKey: "wrong" }).send(new InvokeCommand({ FunctionName: "fn" }))).rejects.toMatchObject({ name: "InvalidSignatureException" });
    await expect(client(admin).send(new InvokeCommand({ FunctionName: "nope" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("skips SigV4 and IAM only while a benchmark's IAM gate switch is off (T25a)", async () => {
    const iamGate = new BenchmarkIamGateSwitch();
    const switchable = new LambdaService({ ctx, iamGate });
    switchable.setBaseEnvironment({ PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" });
    switchable.define({ name: "fn", bundle, environment: {}, credentials: fnCreds, timeoutMs: 5000 });
    const api = await switchable.startHttp(0, registry);
    try {
      const client = (c: { accessKeyId: string; secretAccessKey: string }) => new LambdaClient({ region: "us-east-1", endpoint: api.url, credentials: c, maxAttempts: 1 });
      const invoke = new InvokeCommand({ FunctionName: "fn", Payload: Buffer.from('{"a":2}') });
      const badSignature = client({ ...admin, secretAccessKey: "wrong" });
      await expect(badSignature.send(invoke)).rejects.toMatchObject({ name: "InvalidSignatureException" });
      await expect(client(fnCreds).send(invoke)).rejects.toMatchObject({ name: "AccessDeniedException" });

      switchIamGate(iamGate, false);
      expect(JSON.parse(Buffer.from((await badSignature.send(invoke)).Payload!).toString())).toMatchObject({ echo: { a: 2 } });
      expect(JSON.parse(Buffer.from((await client(fnCreds).send(invoke)).Payload!).toString())).toMatchObject({ echo: { a: 2 } });

      switchIamGate(iamGate, true);
      await expect(badSignature.send(invoke)).rejects.toMatchObject({ name: "InvalidSignatureException" });
      await expect(client(fnCreds).send(invoke)).rejects.toMatchObject({ name: "AccessDeniedException" });
      expect(JSON.parse(Buffer.from((await client(admin).send(invoke)).Payload!).toString())).toMatchObject({ echo: { a: 2 } });
    } finally {
      await api.close();
      await switchable.close();
    }
  });

  it("swaps the bundle and back", async () => {
    await service.setBundle("fn", other);
    expect((await service.invoke("fn", {})).payload).toBe("other");
    await service.setBundle("fn", null);
    expect((await service.invoke("fn", {})).payload).toMatchObject({ fn: "fn" });
    await expect(service.setBundle("fn", join(dir, "missing.js"))).rejects.toBeInstanceOf(MissingBundleError);
  });

  it("runs one invocation per environment at a time, up to the function's concurrency, and counts cold starts", async () => {
    const before = service.environments("pool");
    expect(before).toEqual({ coldStarts: 1, size: 1, max: 3 });
    const results = await Promise.all(Array.from({ length: 6 }, () => service.invoke("pool", { holdMs: 150 })));
    const payloads = results.map((r) => r.payload as { pid: number; seen: number });
    // No environment ever ran two invocations at once.
    expect(payloads.map((p) => p.seen)).toEqual([1, 1, 1, 1, 1, 1]);
    // Six concurrent invocations, three environments at most: two cold starts beyond the warm one.
    expect(new Set(payloads.map((p) => p.pid)).size).toBe(3);
    expect(service.environments("pool")).toEqual({ coldStarts: 3, size: 3, max: 3 });
    // Warm environments are reused: no more cold starts for sequential invocations.
    for (let i = 0; i < 3; i++) await service.invoke("pool", {});
    expect(service.environments("pool").coldStarts).toBe(3);
  });

  it("caps environments without a reservation at two per core, from 2 to 8", () => {
    expect(localMaxEnvironments(1)).toBe(2);
    expect(localMaxEnvironments(2)).toBe(4);
    expect(localMaxEnvironments(16)).toBe(8);
  });

  it("reads function names from names and ARNs", () => {
    expect(functionNameFrom("arn:aws:lambda:us-east-1:000000000000:function:chat:$LATEST")).toBe("chat");
    expect(functionNameFrom("chat")).toBe("chat");
  });
});

describe("LambdaService with a cap of its own (local/stack.ts environmentsPerFunction)", () => {
  const registry = new CredentialRegistry();
  const fnCreds = registry.issueLongTerm({ principalArn: "arn:aws:sts::000000000000:assumed-role/fn-role/fn", policies: [], sessionTags: {} });
  const service = new LambdaService({ ctx, maxEnvironments: 2 });

  beforeAll(async () => {
    service.setBaseEnvironment({ PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" });
    // No reservation: the service's cap applies; with one, the reservation does.
    service.define({ name: "capped", bundle: stateful, environment: {}, credentials: fnCreds, timeoutMs: 5000 });
    service.define({ name: "reserved", bundle: stateful, environment: {}, credentials: fnCreds, timeoutMs: 5000, maxEnvironments: 3 });
    await service.startAll();
  });
  afterAll(() => service.close());

  it("caps a function without a reservation at the service's number, still one invocation per environment", async () => {
    expect(service.environments("capped").max).toBe(2);
    const results = await Promise.all(Array.from({ length: 6 }, () => service.invoke("capped", { holdMs: 100 })));
    const payloads = results.map((r) => r.payload as { pid: number; seen: number });
    expect(payloads.map((p) => p.seen)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(new Set(payloads.map((p) => p.pid)).size).toBe(2);
    expect(service.environments("capped")).toEqual({ coldStarts: 2, size: 2, max: 2 });
    expect(service.environments("reserved").max).toBe(3);
  });

  it("refuses a cap that is not a whole number of at least 1", () => {
    expect(() => new LambdaService({ ctx, maxEnvironments: 0 })).toThrow(/maxEnvironments must be a whole number of at least 1, got 0/);
    expect(() => new LambdaService({ ctx, maxEnvironments: 1.5 })).toThrow(RangeError);
    // A function's own cap (a reservation, or the stack's environmentsByFunction) likewise.
    for (const cap of [0, 2.5, Number.NaN]) {
      expect(() => service.define({ name: "bad-cap", bundle: stateful, environment: {}, credentials: fnCreds, timeoutMs: 5000, maxEnvironments: cap })).toThrow(
        /bad-cap: maxEnvironments must be a whole number of at least 1/,
      );
    }
  });
});

describe("LambdaService metrics capture (.local/metrics)", () => {
  const registry = new CredentialRegistry();
  const fnCreds = registry.issueLongTerm({ principalArn: "arn:aws:sts::000000000000:assumed-role/fn-role/fn", policies: [], sessionTags: {} });
  const stateDir = mkdtempSync(join(tmpdir(), "lambda-metrics-"));
  const service = new LambdaService({ ctx, logDir: join(stateDir, "logs"), metricsDir: join(stateDir, "metrics") });
  const emitting = join(stateDir, "emf.js");
  const emf = { _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: "ns", Dimensions: [["tenantId"]], Metrics: [{ Name: "Asks", Unit: "Count" }] }] }, tenantId: "tenant1", Asks: 1 };
  writeFileSync(
    emitting,
    `exports.handler = async () => {
       const line = ${JSON.stringify(JSON.stringify(emf))};
       // One EMF line written in two pieces, around an ordinary log line.
       process.stdout.write(line.slice(0, 20));
       await new Promise((resolve) => setTimeout(resolve, 20));
       process.stdout.write(line.slice(20) + "\\n" + JSON.stringify({ level: "INFO", message: "not a metric" }) + "\\n");
       return "ok";
     };`,
  );

  beforeAll(async () => {
    service.setBaseEnvironment({ PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" });
    service.define({ name: "emitter", bundle: emitting, environment: {}, credentials: fnCreds, timeoutMs: 5000 });
    await service.startAll();
  });
  afterAll(() => service.close());

  it("copies a function's EMF lines, exactly as written, to <metricsDir>/<function>.jsonl, and keeps every line in its log", async () => {
    await service.invoke("emitter", {});
    await service.invoke("emitter", {});
    const metricsFile = join(stateDir, "metrics", "emitter.jsonl");
    const deadline = Date.now() + 3000;
    let lines: string[] = [];
    while (Date.now() < deadline) {
      lines = readFileSync(metricsFile, "utf8").split("\n").filter(Boolean);
      if (lines.length >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(lines).toEqual([JSON.stringify(emf), JSON.stringify(emf)]);
    expect(readFileSync(join(stateDir, "logs", "emitter.log"), "utf8")).toContain("not a metric");
  });
});

/**
 * Asynchronous invokes as Lambda queues them (the chat function's answer step relies on
 * it, infra/function-settings.ts): an event still waiting for an environment past the
 * function's maximum event age never runs and its invocation record goes to the
 * on-failure destination; so does a failed one once its retries are spent; a young one runs.
 */
describe("LambdaService asynchronous invokes", () => {
  const registry = new CredentialRegistry();
  const creds = registry.issueLongTerm({ principalArn: "arn:aws:sts::000000000000:assumed-role/fn-role/fn", policies: [], sessionTags: {} });
  const service = new LambdaService({ ctx });
  const queued = join(dir, "queued.js");
  // Holds its one environment for holdMs; writes a marker when it runs; fails on request.
  writeFileSync(
    queued,
    `exports.handler = async (event) => {
       if (event.holdMs) await new Promise((resolve) => setTimeout(resolve, event.holdMs));
       if (event.marker) require("fs").writeFileSync(event.marker, "ran");
       if (event.fail) throw new Error("asked to fail");
       return "ok";
     };`,
  );
  const sink = join(dir, "sink.js");
  // The destination: writes the record it got next to the original event's marker.
  writeFileSync(sink, `exports.handler = async (record) => { require("fs").writeFileSync(record.requestPayload.marker + ".record", JSON.stringify(record)); };`);
  const waitFor = async (path: string, ms = 5000) => {
    const started = Date.now();
    while (!existsSync(path) && Date.now() - started < ms) await new Promise((r) => setTimeout(r, 20));
    return existsSync(path);
  };
  const recordAt = (marker: string) => JSON.parse(readFileSync(`${marker}.record`, "utf8"));

  beforeAll(async () => {
    service.setBaseEnvironment({ PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" });
    service.define({
      name: "queued",
      bundle: queued,
      environment: {},
      credentials: creds,
      timeoutMs: 5000,
      maxEnvironments: 1,
      asyncInvoke: { maximumEventAgeMs: 1000, maximumRetryAttempts: 0, onFailure: "sink" },
    });
    service.define({ name: "sink", bundle: sink, environment: {}, credentials: creds, timeoutMs: 5000 });
    await service.startAll();
  });
  afterAll(() => service.close());

  it("runs a young event and sends no record", async () => {
    const marker = join(dir, "young");
    service.invokeAsync("queued", { marker });
    expect(await waitFor(marker)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(`${marker}.record`)).toBe(false);
  });

  it("does not run an event older than the maximum age (EventAgeExceeded) and sends its record to the destination", async () => {
    const marker = join(dir, "too-old");
    // The one environment is busy for 2.5 s: the event waits longer than its 1 s.
    const busy = service.invoke("queued", { holdMs: 2500 });
    service.invokeAsync("queued", { marker });
    await busy;
    expect(await waitFor(`${marker}.record`)).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect(recordAt(marker)).toMatchObject({
      version: "1.0",
      requestContext: { condition: "EventAgeExceeded", approximateInvokeCount: 0, functionArn: "arn:aws:lambda:us-east-1:000000000000:function:queued:$LATEST" },
      requestPayload: { marker },
    });
  });

  it("sends a failed event's record with its error once the retries are spent (RetriesExhausted)", async () => {
    const marker = join(dir, "failed");
    service.invokeAsync("queued", { marker, fail: true });
    expect(await waitFor(`${marker}.record`)).toBe(true);
    expect(recordAt(marker)).toMatchObject({
      requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 1 },
      requestPayload: { marker, fail: true },
      responseContext: { functionError: "Unhandled" },
      responsePayload: { errorMessage: "asked to fail" },
    });
  });

  it("maps the Pulumi program's settings: seconds to ms, 'self' to the function's own name", () => {
    expect(localAsyncInvoke({ maximumEventAgeSeconds: 120, maximumRetryAttempts: 0, onFailure: "self" }, "chat-fn")).toEqual({
      maximumEventAgeMs: 120_000,
      maximumRetryAttempts: 0,
      onFailure: "chat-fn",
    });
    expect(localAsyncInvoke(undefined, "x")).toBeUndefined();
  });
});
