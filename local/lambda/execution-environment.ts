/**
 * One Lambda execution environment: a child process (lambda-host.cjs) that loads one
 * function's UNCHANGED bundle once (the cold start) and then runs invocations ONE AT A
 * TIME, as Lambda does. Module-level state is therefore shared only between consecutive
 * invocations of one environment, never between concurrent ones, exactly as on AWS.
 * A timed-out invocation kills its environment (Lambda recycles it); a crash ends it.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { handlerExport } from "../../infra/function-settings";
import type { CredentialRecord } from "../iam/credentials";
import { EmfLineCapture } from "./metrics-capture";

export const LAMBDA_HOST = join(__dirname, "lambda-host.cjs");
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;

export interface LocalFunctionDefinition {
  /** Physical function name (e.g. multi-tenant-assistant-dev-chat). */
  name: string;
  bundle: string;
  /** Exactly the environment from the function's toEnvironment() (lambdas/<fn>/config.ts). */
  environment: Record<string, string>;
  credentials: CredentialRecord;
  /** An invocation still running after this fails with Lambda's "Task timed out" and the environment is replaced. */
  timeoutMs: number;
  memoryMb?: number;
  /** Lambda's handler setting, `<file>.<export>` (default `index.handler`); the export is what runs. */
  handler?: string;
  /**
   * The most execution environments (concurrent invocations) this function gets: its
   * reserved concurrency when the stack sets one, else the local stack's cap.
   */
  maxEnvironments?: number;
  /** Lambda's event invoke config (infra/function-settings.ts `asyncInvoke`); none: no maximum age, no retries. */
  asyncInvoke?: LocalAsyncInvokeConfig;
}

export interface LocalAsyncInvokeConfig {
  /** An `Event` invoke still waiting for an environment after this is not run. */
  maximumEventAgeMs: number;
  maximumRetryAttempts: number;
  /** Function name that receives the invocation record of a dropped event. */
  onFailure?: string;
}

export interface InvokeResult {
  payload: unknown;
  /** "Unhandled" when the function threw / timed out / crashed. */
  functionError?: "Unhandled";
  /** CPU milliseconds (user + system) the environment spent on this invocation, when it reported them. */
  cpuMs?: number;
}

export interface FunctionErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export class MissingBundleError extends Error {
  readonly code = "missing_bundle";
  constructor(readonly bundle: string) {
    super(`Lambda bundle ${bundle} not found: run "npm run build" first`);
    this.name = "MissingBundleError";
  }
}

interface HostMessage {
  type: string;
  id?: string;
  ok?: boolean;
  payload?: unknown;
  error?: FunctionErrorPayload;
  cpuMs?: number;
}

export class ExecutionEnvironment {
  private readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** The invocation running now (at most one). */
  private running: { id: string; resolve(result: InvokeResult): void; timer: NodeJS.Timeout } | undefined;
  private exited = false;

  constructor(
    readonly definition: LocalFunctionDefinition,
    bundle: string,
    baseEnv: Record<string, string>,
    log: WriteStream | undefined,
    /** Where this function's EMF lines go (`.local/metrics/<function>.jsonl`); none when undefined. */
    metrics: WriteStream | undefined,
    /** Called once when the environment is gone (exit, crash, recycle). */
    private readonly onGone: (environment: ExecutionEnvironment) => void,
  ) {
    if (!existsSync(bundle)) throw new MissingBundleError(bundle);
    const d = definition;
    this.child = fork(LAMBDA_HOST, [], {
      env: {
        ...baseEnv,
        ...d.environment,
        AWS_ACCESS_KEY_ID: d.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: d.credentials.secretAccessKey,
        ...(d.credentials.sessionToken ? { AWS_SESSION_TOKEN: d.credentials.sessionToken } : {}),
        AWS_LAMBDA_FUNCTION_NAME: d.name,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(d.memoryMb ?? 512),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${d.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replace(/-/g, "")}`,
        LOCAL_LAMBDA_BUNDLE: bundle,
        LOCAL_LAMBDA_HANDLER: handlerExport(d.handler ?? "index.handler"),
      },
      // No --enable-source-maps: Lambda's Node.js runtime enables them only when the
      // function sets NODE_OPTIONS, which the Pulumi program does not; on every cold start
      // they cost reading and parsing each chunk's map (docs/performance.md, "Throughput").
      // BENCH_CPU_PROFILE_DIR (profiling, docs/performance.md "Reproduce"): each environment writes a V8 CPU profile there when it stops.
      execArgv: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    // Written, not piped: many environments share one log stream, and every pipe would
    // add its own listeners to it.
    const capture = metrics ? new EmfLineCapture(metrics) : undefined;
    this.child.stdout?.on("data", (data: Buffer) => {
      log?.write(data);
      capture?.write(data);
    });
    this.child.stderr?.on("data", (data: Buffer) => log?.write(data));
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.on("message", (message: HostMessage) => {
        if (message.type === "ready") resolve();
        else if (message.type === "load-error") reject(new Error(`${d.name}: ${message.error?.errorMessage ?? "cannot load bundle"}`));
        else if (message.type === "result" && message.id && message.id === this.running?.id) {
          const { resolve: settle, timer } = this.running;
          this.running = undefined;
          clearTimeout(timer);
          const cpu = typeof message.cpuMs === "number" ? { cpuMs: message.cpuMs } : {};
          settle(message.ok ? { payload: message.payload ?? null, ...cpu } : { payload: message.error, functionError: "Unhandled", ...cpu });
        }
      });
      this.child.on("exit", (code, signal) => {
        reject(new Error(`${d.name} exited during start (${code ?? signal})`));
        this.gone(signal ?? `exit status ${code}`);
      });
    });
    this.ready.catch(() => undefined);
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Runs one invocation; the caller guarantees the environment is idle. */
  invoke(payload: unknown): Promise<InvokeResult> {
    if (this.running) throw new Error(`${this.definition.name}: environment already busy`);
    const requestId = randomUUID();
    const timeoutMs = this.definition.timeoutMs;
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        this.running = undefined;
        resolve({
          payload: { errorType: "Sandbox.Timedout", errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` },
          functionError: "Unhandled",
        });
        // Lambda recycles a timed-out environment: out of service at once, then killed.
        this.gone("signal: killed");
        this.child.kill("SIGKILL");
      }, timeoutMs);
      this.running = { id: requestId, resolve, timer };
      this.child.send({ type: "invoke", id: requestId, requestId, payload, deadline: Date.now() + timeoutMs });
    });
  }

  /** Fails the running invocation (if any) and reports the environment gone, once. */
  private gone(reason: string): void {
    if (this.running) {
      const { id, resolve, timer } = this.running;
      this.running = undefined;
      clearTimeout(timer);
      resolve({
        payload: { errorType: "Runtime.ExitError", errorMessage: `RequestId: ${id} Error: Runtime exited with error: ${reason}` },
        functionError: "Unhandled",
      });
    }
    if (this.exited) return;
    this.exited = true;
    this.onGone(this);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      // A profiling environment writes its profile on the way out: give it time.
      setTimeout(() => child.kill("SIGKILL"), PROFILE_DIR ? 20_000 : 2000).unref();
    });
  }
}
