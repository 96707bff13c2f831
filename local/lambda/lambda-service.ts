/**
 * Lambda stand-in: each function runs its UNCHANGED esbuild bundle in execution
 * environments (child processes, execution-environment.ts) with its role's credentials and
 * exactly the environment the Pulumi program gives it: one invocation per environment at
 * a time, a pool up to the function's concurrency, warm environments reused, cold starts
 * counted. Invoke over the real REST API (SigV4 + lambda:InvokeFunction) or in-process
 * for the API Gateway and Bedrock stand-ins.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from "node:fs";
import * as http from "node:http";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { AsyncInvokeSettings } from "../../infra/function-settings";
import type { AwsContext } from "../../infra/policies";
import { LocalAwsError, readBody, readRawRequest } from "../runtime/aws-request";
import type { CredentialRegistry } from "../iam/credentials";
import { authorizeIam } from "../iam/policy-evaluation";
import type { IamGate } from "../iam/iam-gate";
import { close, listen } from "../runtime/listen";
import { verifySigV4 } from "../iam/sigv4-verify";
import type { CallCounter } from "../runtime/call-counter";
import {
  ExecutionEnvironment,
  MissingBundleError,
  type FunctionErrorPayload,
  type InvokeResult,
  type LocalAsyncInvokeConfig,
  type LocalFunctionDefinition,
} from "./execution-environment";

export { MissingBundleError };
export type { FunctionErrorPayload, InvokeResult, LocalFunctionDefinition };

export class FunctionNotFoundError extends LocalAwsError {
  constructor(arn: string) {
    super(404, "ResourceNotFoundException", `Function not found: ${arn}`);
  }
}

/**
 * Environments per function when the stack reserves no concurrency for it: Lambda would
 * go up to the account's limit (1,000 by default), this machine cannot. Two per core:
 * an environment mostly waits on the stand-ins (an answer step waits for the agent's
 * stream), so one per core would leave the cores idle, while more than this only adds
 * processes that compete for the same cores, each paying its own cold start and keeping
 * its own credential cache and connections (docs/performance.md, "Throughput": 8 per
 * function on 2 cores served fewer asks than 4; without the pacing, as the load benchmark
 * runs, one per core serves more asks than two per core, with one more for the chat function,
 * which each ask holds twice: LambdaServiceOptions.maxEnvironments, local/stack.ts).
 * Invocations past the cap wait for an environment instead of being throttled
 * (local/README.md).
 */
export function localMaxEnvironments(cores: number = availableParallelism()): number {
  return Math.min(8, Math.max(2, 2 * cores));
}

export const LOCAL_MAX_ENVIRONMENTS = localMaxEnvironments();

/** A cap that is not a whole number of at least 1 would leave every invocation waiting. */
function checkEnvironmentCap(what: string, cap: number | undefined): void {
  if (cap !== undefined && !(Number.isInteger(cap) && cap >= 1)) throw new RangeError(`${what} must be a whole number of at least 1, got ${cap}`);
}

/**
 * One function's execution environments, as Lambda keeps them: an invocation takes an
 * idle (warm) environment, else a new one is started (a cold start, counted) while
 * fewer than `maxEnvironments` exist, else it waits for the first to come free.
 */
class FunctionPool {
  private readonly environments = new Set<ExecutionEnvironment>();
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly waiting: ((environment: ExecutionEnvironment | Error) => void)[] = [];
  private closing = false;
  bundle: string;
  coldStarts = 0;

  constructor(
    readonly definition: LocalFunctionDefinition,
    private readonly baseEnv: Record<string, string>,
    private readonly log: WriteStream | undefined,
    private readonly metrics: WriteStream | undefined,
    private readonly calls: CallCounter | undefined,
    /** The cap when the function reserves no concurrency (LambdaServiceOptions.maxEnvironments). */
    private readonly defaultMaxEnvironments: number,
  ) {
    this.bundle = definition.bundle;
  }

  get maxEnvironments(): number {
    return Math.max(1, this.definition.maxEnvironments ?? this.defaultMaxEnvironments);
  }

  get size(): number {
    return this.environments.size;
  }

  /** A new environment, loaded and ready (the cold start). */
  private async startEnvironment(): Promise<ExecutionEnvironment> {
    // Counted in `environments` from now on, while it loads: the cap includes starting ones.
    const environment = new ExecutionEnvironment(this.definition, this.bundle, this.baseEnv, this.log, this.metrics, (gone) => this.forget(gone));
    this.environments.add(environment);
    this.coldStarts += 1;
    this.calls?.count("lambda", "ColdStart", { detail: this.definition.name });
    await environment.ready;
    return environment;
  }

  /** Starts the first environment ahead of traffic (npm start warms every function once). */
  async warm(): Promise<void> {
    if (this.environments.size > 0) return;
    this.release(await this.startEnvironment());
  }

  private forget(environment: ExecutionEnvironment): void {
    this.environments.delete(environment);
    const at = this.idle.indexOf(environment);
    if (at !== -1) this.idle.splice(at, 1);
    // A waiter may now start an environment of its own.
    if (!this.closing && this.waiting.length > 0 && this.environments.size < this.maxEnvironments) {
      const next = this.waiting.shift()!;
      this.startEnvironment().then(next, next);
    }
  }

  private release(environment: ExecutionEnvironment): void {
    if (!environment.alive || this.closing) return;
    const next = this.waiting.shift();
    if (next) next(environment);
    else this.idle.push(environment);
  }

  private acquire(): Promise<ExecutionEnvironment> {
    // Most recently used first: it is the warmest (as Lambda tends to do).
    const warm = this.idle.pop();
    if (warm) return Promise.resolve(warm);
    if (this.environments.size < this.maxEnvironments) return this.startEnvironment();
    return new Promise((resolve, reject) => this.waiting.push((e) => (e instanceof Error ? reject(e) : resolve(e))));
  }

  async invoke(payload: unknown): Promise<InvokeResult> {
    const result = await this.invokeUnlessOlder(payload, Number.POSITIVE_INFINITY);
    return result as InvokeResult;
  }

  /** As invoke, unless no environment came free before `notAfter` (epoch ms): then nothing runs. */
  async invokeUnlessOlder(payload: unknown, notAfter: number): Promise<InvokeResult | "expired"> {
    if (this.closing) throw new Error(`${this.definition.name} is stopping`);
    const environment = await this.acquire();
    if (Date.now() > notAfter) {
      this.release(environment);
      return "expired";
    }
    this.calls?.count("lambda", "Invoke", { detail: this.definition.name });
    let cpuMs: number | undefined;
    try {
      const result = await environment.invoke(payload);
      cpuMs = result.cpuMs;
      return result;
    } finally {
      this.calls?.mark("lambda", "InvokeEnd", this.definition.name, cpuMs);
      this.release(environment);
    }
  }

  async replaceBundle(bundle: string): Promise<void> {
    this.bundle = bundle;
    await this.stop();
    this.closing = false;
    await this.warm();
  }

  async stop(): Promise<void> {
    this.closing = true;
    this.idle.length = 0;
    for (const waiter of this.waiting.splice(0)) waiter(new Error(`${this.definition.name} is stopping`));
    await Promise.all([...this.environments].map((e) => e.stop()));
  }
}

export interface LambdaServiceOptions {
  ctx: AwsContext;
  /** Function logs go to <logDir>/<name>.log; none when undefined. */
  logDir?: string;
  /** The EMF lines of a function's stdout go to <metricsDir>/<name>.jsonl (metrics-capture.ts), begun afresh at each start. */
  metricsDir?: string;
  calls?: CallCounter;
  /** Enforced unless a benchmark turned its own stack's switch off (local/iam/iam-gate.ts); default enforced. */
  iamGate?: IamGate;
  /**
   * The most environments of a function whose definition sets none (default
   * LOCAL_MAX_ENVIRONMENTS); local/stack.ts `environmentsPerFunction`.
   */
  maxEnvironments?: number;
}

export class LambdaService {
  private readonly functions = new Map<string, FunctionPool>();
  private readonly logs: WriteStream[] = [];

  /** Host environment every function gets (endpoints, region, PATH); known once the stand-ins run. */
  private readonly baseEnvironment: Record<string, string> = {};

  constructor(private readonly o: LambdaServiceOptions) {
    checkEnvironmentCap("maxEnvironments", o.maxEnvironments);
  }

  setBaseEnvironment(environment: Record<string, string>): void {
    Object.assign(this.baseEnvironment, environment);
  }

  functionArn(name: string): string {
    return `arn:${this.o.ctx.partition}:lambda:${this.o.ctx.region}:${this.o.ctx.accountId}:function:${name}`;
  }

  define(definition: LocalFunctionDefinition): void {
    if (!existsSync(definition.bundle)) throw new MissingBundleError(definition.bundle);
    checkEnvironmentCap(`${definition.name}: maxEnvironments`, definition.maxEnvironments);
    let log: WriteStream | undefined;
    if (this.o.logDir) {
      mkdirSync(this.o.logDir, { recursive: true });
      log = createWriteStream(join(this.o.logDir, `${definition.name}.log`), { flags: "a" });
      this.logs.push(log);
    }
    let metrics: WriteStream | undefined;
    if (this.o.metricsDir) {
      mkdirSync(this.o.metricsDir, { recursive: true });
      metrics = createWriteStream(join(this.o.metricsDir, `${definition.name}.jsonl`), { flags: "w" });
      this.logs.push(metrics);
    }
    this.functions.set(definition.name, new FunctionPool(definition, this.baseEnvironment, log, metrics, this.o.calls, this.o.maxEnvironments ?? LOCAL_MAX_ENVIRONMENTS));
  }

  async startAll(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => f.warm()));
  }

  /** Environments started so far (cold starts) and running now, per function. */
  environments(name: string): { coldStarts: number; size: number; max: number } {
    const pool = this.runtime(name);
    return { coldStarts: pool.coldStarts, size: pool.size, max: pool.maxEnvironments };
  }

  private runtime(name: string): FunctionPool {
    const runtime = this.functions.get(name);
    if (!runtime) throw new FunctionNotFoundError(this.functionArn(name));
    return runtime;
  }

  /** Synchronous (RequestResponse) invocation, in-process. */
  invoke(name: string, payload: unknown): Promise<InvokeResult> {
    return this.runtime(name).invoke(payload);
  }

  /**
   * Asynchronous (`Event`) invocation, as Lambda queues it: the event waits for an
   * environment; one still waiting after the function's maximum event age is not run
   * (`EventAgeExceeded`), a function error is retried up to its maximum retry attempts
   * (at once, not after Lambda's minutes) and then given up (`RetriesExhausted`). A
   * given-up event's invocation record goes to the on-failure destination, itself invoked
   * asynchronously. Never rejects.
   */
  invokeAsync(name: string, payload: unknown): void {
    const pool = this.runtime(name);
    this.o.calls?.mark("lambda", "EventQueued", name);
    void this.runQueued(pool, payload, Date.now(), 0);
  }

  private async runQueued(pool: FunctionPool, payload: unknown, queuedAt: number, retries: number): Promise<void> {
    const config = pool.definition.asyncInvoke;
    let result: InvokeResult | "expired";
    try {
      result = await pool.invokeUnlessOlder(payload, queuedAt + (config?.maximumEventAgeMs ?? Number.POSITIVE_INFINITY));
    } catch {
      return; // the function is stopping
    }
    if (result === "expired") return this.giveUp(pool, payload, { condition: "EventAgeExceeded", invokeCount: retries });
    if (!result.functionError) return;
    if (retries < (config?.maximumRetryAttempts ?? 0)) return this.runQueued(pool, payload, queuedAt, retries + 1);
    return this.giveUp(pool, payload, { condition: "RetriesExhausted", invokeCount: retries + 1, result });
  }

  private giveUp(pool: FunctionPool, payload: unknown, failure: Omit<AsyncFailure, "functionArn">): void {
    const name = pool.definition.name;
    this.o.calls?.count("lambda", "AsyncEventDropped", { detail: `${name}:${failure.condition}` });
    const destination = pool.definition.asyncInvoke?.onFailure;
    // Without a destination Lambda discards the event.
    if (!destination || !this.functions.has(destination)) return;
    this.invokeAsync(destination, invocationRecord(payload, { ...failure, functionArn: this.functionArn(name) }, new Date()));
  }

  /** Swap a function's bundle (null = back to the original); restarts its environment. */
  async setBundle(name: string, bundle: string | null): Promise<void> {
    const runtime = this.runtime(name);
    const target = bundle ?? runtime.definition.bundle;
    if (!existsSync(target)) throw new MissingBundleError(target);
    await runtime.replaceBundle(target);
  }

  /** `lambda:InvokeFunction` request from a signed REST call. */
  async handleHttp(req: http.IncomingMessage, res: http.ServerResponse, registry: CredentialRegistry): Promise<void> {
    const send = (status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "x-amzn-requestid": randomUUID(), "content-type": "application/json", ...headers });
      res.end(body);
    };
    this.o.calls?.mark("lambda", "InvokeRequest");
    try {
      const body = await readBody(req, 6 * 1024 * 1024);
      const raw = readRawRequest(req, body);
      const caller = this.o.iamGate?.enforced === false ? undefined : await verifySigV4(raw, registry, { service: "lambda" });
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(raw.rawPath);
      if (!match || raw.method !== "POST") throw new LocalAwsError(404, "UnknownOperationException", "Unknown operation");
      const name = functionNameFrom(decodeURIComponent(match[1]));
      const arn = this.functionArn(name);
      if (caller) await authorizeIam(caller, { action: "lambda:InvokeFunction", resourceArn: arn }, { status: 403, code: "AccessDeniedException" });
      const runtime = this.runtime(name);
      let payload: unknown = {};
      if (body.length > 0) {
        try {
          payload = JSON.parse(body.toString("utf8"));
        } catch {
          throw new LocalAwsError(400, "InvalidRequestContentException", "Could not parse request body into json: Unexpected character");
        }
      }
      const type = raw.headers["x-amz-invocation-type"] ?? "RequestResponse";
      if (type === "Event") {
        this.invokeAsync(name, payload);
        return send(202, "");
      }
      if (type === "DryRun") return send(204, "");
      if (type !== "RequestResponse") throw new LocalAwsError(400, "InvalidParameterValueException", `invalid invocation type ${type.slice(0, 20)}`);
      const result = await runtime.invoke(payload);
      const out = JSON.stringify(result.payload ?? null);
      return send(200, out, {
        "x-amz-executed-version": "$LATEST",
        ...(result.functionError ? { "x-amz-function-error": result.functionError } : {}),
      });
    } catch (error) {
      const e = error instanceof LocalAwsError ? error : new LocalAwsError(500, "ServiceException", "internal error");
      // Lambda answers authentication failures with 403.
      const status = ["UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "MissingAuthenticationTokenException"].includes(e.code) ? 403 : e.status;
      send(status, JSON.stringify({ Type: "User", Message: e.message, message: e.message }), { "x-amzn-errortype": e.code });
    }
  }

  async startHttp(port: number, registry: CredentialRegistry): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer((req, res) => void this.handleHttp(req, res, registry));
    const bound = await listen(server, port, "lambda");
    return { url: `http://127.0.0.1:${bound}`, close: () => close(server) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => f.stop()));
    for (const log of this.logs) log.end();
  }
}

/** The Pulumi program's async-invoke settings (infra/function-settings.ts) for the stand-in; `self` is the function's name. */
export function localAsyncInvoke(settings: AsyncInvokeSettings | undefined, self: string): LocalAsyncInvokeConfig | undefined {
  if (!settings) return undefined;
  return {
    maximumEventAgeMs: settings.maximumEventAgeSeconds * 1000,
    maximumRetryAttempts: settings.maximumRetryAttempts,
    onFailure: settings.onFailure === "self" ? self : undefined,
  };
}

export interface AsyncFailure {
  condition: "EventAgeExceeded" | "RetriesExhausted";
  /** Times the function ran for this event (0 when it never started). */
  invokeCount: number;
  functionArn: string;
  /** The last run's result, when there was one. */
  result?: InvokeResult;
}

/**
 * Lambda's invocation record for an on-failure destination (Lambda developer guide,
 * "Capturing records of asynchronous invocations"; checked 2026-12-02). Pure.
 */
export function invocationRecord(requestPayload: unknown, failure: AsyncFailure, now: Date) {
  return {
    version: "1.0",
    timestamp: now.toISOString(),
    requestContext: {
      requestId: randomUUID(),
      functionArn: `${failure.functionArn}:$LATEST`,
      condition: failure.condition,
      approximateInvokeCount: failure.invokeCount,
    },
    requestPayload,
    ...(failure.result
      ? {
          responseContext: {
            statusCode: 200,
            executedVersion: "$LATEST",
            ...(failure.result.functionError ? { functionError: failure.result.functionError } : {}),
          },
          responsePayload: failure.result.payload,
        }
      : {}),
  };
}

/** Name, full ARN or partial ARN (with optional qualifier) → function name. */
export function functionNameFrom(identifier: string): string {
  const arn = /^(?:arn:[^:]+:lambda:[^:]+:\d{12}:)?function:([^:]+)(?::[^:]+)?$/.exec(identifier);
  if (arn) return arn[1];
  return identifier.split(":")[0];
}
