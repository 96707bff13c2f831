/**
 * Lambda stand-in: each function runs its UNCHANGED esbuild bundle in its own child
 * process (lambda-host.cjs) with its role's credentials and exactly the
 * environment the Pulumi program gives it. Invoke over the real REST API (SigV4 +
 * lambda:InvokeFunction) or in-process for the API Gateway and Bedrock stand-ins.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from "node:fs";
import * as http from "node:http";
import { join } from "node:path";
import { handlerExport } from "../../infra/function-settings";
import type { AwsContext } from "../../infra/policies";
import { LocalAwsError, readBody, readRawRequest } from "../runtime/aws-request";
import type { CredentialRecord, CredentialRegistry } from "../iam/credentials";
import { authorizeIam } from "../iam/policy-evaluation";
import { close, listen } from "../runtime/listen";
import { verifySigV4 } from "../iam/sigv4-verify";

export const LAMBDA_HOST = join(__dirname, "lambda-host.cjs");

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
}

export interface InvokeResult {
  payload: unknown;
  /** "Unhandled" when the function threw / timed out / crashed. */
  functionError?: "Unhandled";
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

export class FunctionNotFoundError extends LocalAwsError {
  constructor(arn: string) {
    super(404, "ResourceNotFoundException", `Function not found: ${arn}`);
  }
}

interface Pending {
  resolve(result: InvokeResult): void;
  timer: NodeJS.Timeout;
  /** The environment running it: when that one goes, so does the invocation. */
  child: ChildProcess;
}

/** One function's execution environment: a child process, restarted when it dies. */
class FunctionRuntime {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private readonly pending = new Map<string, Pending>();
  private closing = false;
  bundle: string;

  constructor(
    readonly definition: LocalFunctionDefinition,
    private readonly baseEnv: Record<string, string>,
    private readonly log: WriteStream | undefined,
  ) {
    this.bundle = definition.bundle;
  }

  private environment(): NodeJS.ProcessEnv {
    const d = this.definition;
    return {
      ...this.baseEnv,
      ...d.environment,
      AWS_ACCESS_KEY_ID: d.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: d.credentials.secretAccessKey,
      ...(d.credentials.sessionToken ? { AWS_SESSION_TOKEN: d.credentials.sessionToken } : {}),
      AWS_LAMBDA_FUNCTION_NAME: d.name,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(d.memoryMb ?? 512),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${d.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replace(/-/g, "")}`,
      LOCAL_LAMBDA_BUNDLE: this.bundle,
      LOCAL_LAMBDA_HANDLER: handlerExport(d.handler ?? "index.handler"),
    };
  }

  start(): Promise<void> {
    if (this.ready) return this.ready;
    if (!existsSync(this.bundle)) return Promise.reject(new MissingBundleError(this.bundle));
    const child = fork(LAMBDA_HOST, [], {
      env: this.environment(),
      execArgv: ["--enable-source-maps"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    this.child = child;
    if (this.log) {
      child.stdout?.pipe(this.log, { end: false });
      child.stderr?.pipe(this.log, { end: false });
    } else {
      child.stdout?.resume();
      child.stderr?.resume();
    }
    this.ready = new Promise<void>((resolve, reject) => {
      child.on("message", (message: { type: string; id?: string; ok?: boolean; payload?: unknown; error?: FunctionErrorPayload }) => {
        if (message.type === "ready") resolve();
        else if (message.type === "load-error") reject(new Error(`${this.definition.name}: ${message.error?.errorMessage ?? "cannot load bundle"}`));
        else if (message.type === "result" && message.id) {
          const pending = this.pending.get(message.id);
          if (!pending) return;
          this.pending.delete(message.id);
          clearTimeout(pending.timer);
          pending.resolve(message.ok ? { payload: message.payload ?? null } : { payload: message.error, functionError: "Unhandled" });
        }
      });
      child.on("exit", (code, signal) => {
        reject(new Error(`${this.definition.name} exited during start (${code ?? signal})`));
        this.onExit(child, code, signal);
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  /** Fails every invocation still running in `child` (it is gone or going). */
  private failPendingOf(child: ChildProcess, reason: string): void {
    for (const [id, pending] of this.pending) {
      if (pending.child !== child) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.resolve({
        payload: { errorType: "Runtime.ExitError", errorMessage: `RequestId: ${id} Error: Runtime exited with error: ${reason}` },
        functionError: "Unhandled",
      });
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.failPendingOf(child, signal ?? `exit status ${code}`);
    if (this.child !== child) return;
    this.child = undefined;
    this.ready = undefined;
    // A crashed environment is replaced, as Lambda does; the next invoke also restarts lazily.
    if (!this.closing) setTimeout(() => { if (!this.closing && !this.child) this.start().catch(() => undefined); }, 50).unref();
  }

  /**
   * Lambda recycles a timed-out environment: it is taken out of service at once (the next
   * invocation starts a fresh one instead of reaching the dying process) and killed.
   */
  private recycle(child: ChildProcess): void {
    if (this.child === child) {
      this.child = undefined;
      this.ready = undefined;
    }
    this.failPendingOf(child, "signal: killed");
    child.kill("SIGKILL");
  }

  async invoke(payload: unknown): Promise<InvokeResult> {
    await this.start();
    const child = this.child;
    if (!child) throw new Error(`${this.definition.name} is not running`);
    const requestId = randomUUID();
    const timeoutMs = this.definition.timeoutMs;
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve({
          payload: { errorType: "Sandbox.Timedout", errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` },
          functionError: "Unhandled",
        });
        this.recycle(child);
      }, timeoutMs);
      this.pending.set(requestId, { resolve, timer, child });
      child.send({ type: "invoke", id: requestId, requestId, payload, deadline: Date.now() + timeoutMs });
    });
  }

  async replaceBundle(bundle: string): Promise<void> {
    this.bundle = bundle;
    await this.stop();
    this.closing = false;
    await this.start();
  }

  async stop(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    });
  }
}

export interface LambdaServiceOptions {
  ctx: AwsContext;
  /** Function logs go to <logDir>/<name>.log; none when undefined. */
  logDir?: string;
}

export class LambdaService {
  private readonly functions = new Map<string, FunctionRuntime>();
  private readonly logs: WriteStream[] = [];

  /** Host environment every function gets (endpoints, region, PATH); known once the stand-ins run. */
  private readonly baseEnvironment: Record<string, string> = {};

  constructor(private readonly o: LambdaServiceOptions) {}

  setBaseEnvironment(environment: Record<string, string>): void {
    Object.assign(this.baseEnvironment, environment);
  }

  functionArn(name: string): string {
    return `arn:${this.o.ctx.partition}:lambda:${this.o.ctx.region}:${this.o.ctx.accountId}:function:${name}`;
  }

  define(definition: LocalFunctionDefinition): void {
    if (!existsSync(definition.bundle)) throw new MissingBundleError(definition.bundle);
    let log: WriteStream | undefined;
    if (this.o.logDir) {
      mkdirSync(this.o.logDir, { recursive: true });
      log = createWriteStream(join(this.o.logDir, `${definition.name}.log`), { flags: "a" });
      this.logs.push(log);
    }
    this.functions.set(definition.name, new FunctionRuntime(definition, this.baseEnvironment, log));
  }

  async startAll(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => f.start()));
  }

  private runtime(name: string): FunctionRuntime {
    const runtime = this.functions.get(name);
    if (!runtime) throw new FunctionNotFoundError(this.functionArn(name));
    return runtime;
  }

  /** Synchronous (RequestResponse) invocation, in-process. */
  invoke(name: string, payload: unknown): Promise<InvokeResult> {
    return this.runtime(name).invoke(payload);
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
    try {
      const body = await readBody(req, 6 * 1024 * 1024);
      const raw = readRawRequest(req, body);
      const caller = await verifySigV4(raw, registry, { service: "lambda" });
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(raw.rawPath);
      if (!match || raw.method !== "POST") throw new LocalAwsError(404, "UnknownOperationException", "Unknown operation");
      const name = functionNameFrom(decodeURIComponent(match[1]));
      const arn = this.functionArn(name);
      await authorizeIam(caller, { action: "lambda:InvokeFunction", resourceArn: arn }, { status: 403, code: "AccessDeniedException" });
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
        runtime.invoke(payload).catch(() => undefined);
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

/** Name, full ARN or partial ARN (with optional qualifier) → function name. */
export function functionNameFrom(identifier: string): string {
  const arn = /^(?:arn:[^:]+:lambda:[^:]+:\d{12}:)?function:([^:]+)(?::[^:]+)?$/.exec(identifier);
  if (arn) return arn[1];
  return identifier.split(":")[0];
}
