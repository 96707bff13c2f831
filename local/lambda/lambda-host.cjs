"use strict";
/**
 * Child-process host for one local Lambda function: loads the function's esbuild bundle
 * (LOCAL_LAMBDA_BUNDLE, an ES module entry or a CommonJS file) and runs invocations sent by the parent over IPC, with a
 * Lambda-like context. Plain CommonJS so it runs under bare `node` with no loader.
 */
const path = require("node:path");
const { pathToFileURL } = require("node:url");

const bundle = process.env.LOCAL_LAMBDA_BUNDLE;
const handlerName = process.env.LOCAL_LAMBDA_HANDLER || "handler";
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME || "function";
const region = process.env.AWS_REGION || "us-east-1";
const accountId = "000000000000";
// The parent's variables are for the host only; the handler sees Lambda's environment.
delete process.env.LOCAL_LAMBDA_BUNDLE;
delete process.env.LOCAL_LAMBDA_HANDLER;

function serializeError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || "Error",
      errorMessage: error.message,
      trace: String(error.stack || "").split("\n").slice(0, 20),
    };
  }
  return { errorType: "Error", errorMessage: String(error), trace: [] };
}

let handler;

// import() loads either kind of bundle: the ES module entry `npm run build` writes (its
// chunks then load when the code first asks for them, as on Lambda) or a CommonJS file.
import(pathToFileURL(path.resolve(bundle)).href).then(
  (mod) => {
    handler = mod[handlerName] ?? (mod.default && mod.default[handlerName]);
    if (typeof handler !== "function") {
      process.send({ type: "load-error", error: serializeError(new Error(`${bundle} does not export a function '${handlerName}'`)) });
      process.exit(1);
    }
    process.send({ type: "ready" });
  },
  (error) => {
    process.send({ type: "load-error", error: serializeError(error) });
    process.exit(1);
  },
);

process.on("message", (message) => {
  if (!message || message.type !== "invoke") return;
  const { id, payload, requestId, deadline } = message;
  let settled = false;
  // The invocation's CPU time (this environment runs one at a time): for the benchmarks' traces.
  const cpuAtStart = process.cpuUsage();
  const reply = (result) => {
    if (settled) return;
    settled = true;
    const cpu = process.cpuUsage(cpuAtStart);
    process.send({ type: "result", id, cpuMs: (cpu.user + cpu.system) / 1000, ...result });
  };
  const context = {
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || "512",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error, result) => (error ? reply({ ok: false, error: serializeError(error) }) : reply({ ok: true, payload: result })),
    succeed: (result) => reply({ ok: true, payload: result }),
    fail: (error) => reply({ ok: false, error: serializeError(error) }),
  };
  const callback = (error, result) => context.done(error, result);
  try {
    const returned = handler(payload, context, callback);
    if (returned && typeof returned.then === "function") {
      returned.then(
        (result) => reply({ ok: true, payload: result === undefined ? null : result }),
        (error) => reply({ ok: false, error: serializeError(error) }),
      );
    }
  } catch (error) {
    reply({ ok: false, error: serializeError(error) });
  }
});

process.on("unhandledRejection", (reason) => {
  // Real Lambda fails the invocation and recycles the environment: so do we.
  console.error(JSON.stringify({ level: "ERROR", message: "unhandled rejection in function", error: serializeError(reason).errorMessage }));
  process.exit(1);
});

// The stack process is gone (killed hard): do not linger as an orphan.
process.on("disconnect", () => process.exit(0));

// Profiling (BENCH_CPU_PROFILE_DIR): V8 writes the profile only on a normal exit, not on SIGTERM's default.
if (process.execArgv.includes("--cpu-prof")) process.on("SIGTERM", () => process.exit(0));
