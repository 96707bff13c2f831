/**
 * DynamoDB stand-in: dynalite in-process (in memory) behind a gate that verifies SigV4
 * and evaluates the caller's IAM policies per request, with `dynamodb:LeadingKeys`
 * computed from the request like DynamoDB does. Denials answer exactly as DynamoDB
 * does, so the SDK raises AccessDeniedException.
 *
 * dynalite has no authentication (and answers `Access-Control-Allow-Origin: *`), so it
 * listens on no TCP port at all: only on a Unix socket in an owner-only directory, which
 * only this process (the gate) and this machine's user can reach (I14). The gate's port
 * is the one way in: an allowed request goes to dynalite's request handler in-process;
 * the socket carries only the gate's own schema reads (DescribeTable).
 */
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { Readable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownerOnlyDir } from "../runtime/owner-only-file";
import type { AwsContext } from "../../infra/policies";
import { LocalAwsError, readBody, readRawRequest } from "../runtime/aws-request";
import type { CredentialRegistry } from "../iam/credentials";
import type { CallCounter } from "../runtime/call-counter";
import { resourceAccesses, tablesOf } from "./leading-keys";
import { authorizeIam } from "../iam/policy-evaluation";
import type { IamGate } from "../iam/iam-gate";
import { close, listen } from "../runtime/listen";
import { verifySigV4 } from "../iam/sigv4-verify";

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }) => http.Server;

export interface DynamoDbGateOptions {
  port: number;
  ctx: AwsContext;
  registry: CredentialRegistry;
  calls?: CallCounter;
  /** Enforced unless a benchmark turned its own stack's switch off (local/iam/iam-gate.ts); default enforced. */
  iamGate?: IamGate;
  /**
   * An owner-only directory for dynalite's socket (the stack's state directory). Without
   * one (unit tests), a fresh 0700 directory in the system's temporary directory.
   */
  stateDir?: string;
}

export interface DynamoDbGate {
  url: string;
  /** Where dynalite listens (a Unix socket; never a TCP port). */
  backendSocket: string;
  close(): Promise<void>;
}

/** Unix socket paths are limited to 107 bytes (sun_path); leave room. */
const MAX_SOCKET_PATH = 100;

/** dynalite's socket: under the state directory when the path fits, else in a fresh 0700 temporary directory. */
export function backendSocketPath(stateDir: string | undefined): { path: string; temporaryDir?: string } {
  if (stateDir) {
    const inState = join(stateDir, "run", "dynalite.sock");
    if (inState.length <= MAX_SOCKET_PATH) {
      ownerOnlyDir(join(ownerOnlyDir(stateDir), "run"));
      rmSync(inState, { force: true });
      return { path: inState };
    }
  }
  const dir = ownerOnlyDir(mkdtempSync(join(tmpdir(), "mta-dynalite-")));
  return { path: join(dir, "dynalite.sock"), temporaryDir: dir };
}

/** An HTTP agent whose every connection goes to a Unix socket. */
class UnixSocketAgent extends http.Agent {
  constructor(private readonly socketPath: string) {
    super({ keepAlive: true });
  }
  override createConnection(): net.Socket {
    return net.connect(this.socketPath);
  }
}

interface KeySchemaCache {
  hashKey?: string;
  indexes: Record<string, string | undefined>;
}

const TARGET_PREFIX = "DynamoDB_20120810.";

export function dynamoTableArn(ctx: AwsContext, tableName: string, indexName?: string): string {
  const table = `arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.accountId}:table/${tableName}`;
  return indexName ? `${table}/index/${indexName}` : table;
}

export function dynamoErrorBody(code: string, message: string): string {
  return JSON.stringify({ __type: `com.amazon.coral.service#${code}`, message });
}

export async function startDynamoDbGate(o: DynamoDbGateOptions): Promise<DynamoDbGate> {
  const backend = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const socket = backendSocketPath(o.stateDir);
  await new Promise<void>((resolve, reject) => {
    backend.once("error", reject);
    backend.listen(socket.path, () => {
      backend.off("error", reject);
      resolve();
    });
  });
  const backendAgent = new UnixSocketAgent(socket.path);
  // The gate's own view of the schema (never reachable by callers: they only reach the gate).
  const schemaClient = new DynamoDBClient({
    endpoint: "http://dynalite.local",
    region: o.ctx.region,
    credentials: { accessKeyId: "gate", secretAccessKey: "gate" },
    requestHandler: { httpAgent: backendAgent },
  });
  const schemas = new Map<string, KeySchemaCache>();

  async function learnSchema(tableName: string): Promise<void> {
    if (schemas.has(tableName)) return;
    try {
      const { Table } = await schemaClient.send(new DescribeTableCommand({ TableName: tableName }));
      const hashOf = (schema?: { AttributeName?: string; KeyType?: string }[]) =>
        schema?.find((k) => k.KeyType === "HASH")?.AttributeName;
      const indexes: Record<string, string | undefined> = {};
      for (const index of [...(Table?.GlobalSecondaryIndexes ?? []), ...(Table?.LocalSecondaryIndexes ?? [])]) {
        if (index.IndexName) indexes[index.IndexName] = hashOf(index.KeySchema);
      }
      schemas.set(tableName, { hashKey: hashOf(Table?.KeySchema), indexes });
    } catch {
      // Unknown table: no keys; DynamoDB itself answers ResourceNotFoundException after IAM.
    }
  }

  async function authorize(req: http.IncomingMessage, body: Buffer): Promise<void> {
    const raw = readRawRequest(req, body);
    const target = raw.headers["x-amz-target"] ?? "";
    if (o.iamGate?.enforced === false) {
      o.calls?.count("dynamodb", target.slice(TARGET_PREFIX.length));
      return;
    }
    const caller = await verifySigV4(raw, o.registry, { service: "dynamodb" });
    if (!target.startsWith(TARGET_PREFIX)) throw new LocalAwsError(400, "UnknownOperationException", "");
    const op = target.slice(TARGET_PREFIX.length);
    let parsed: Record<string, unknown>;
    try {
      const value: unknown = JSON.parse(body.toString("utf8") || "{}");
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error();
      parsed = value as Record<string, unknown>;
    } catch {
      throw new LocalAwsError(400, "SerializationException", "Start of structure or map found where not expected.");
    }
    o.calls?.count("dynamodb", op, { detail: tablesOf(parsed).join(",") || "-" });
    if (op === "CreateTable" || op === "DeleteTable" || op === "UpdateTable") {
      for (const t of tablesOf(parsed)) schemas.delete(t);
    } else {
      await Promise.all(tablesOf(parsed).map(learnSchema));
    }
    const hashKeyOf = (table: string, index?: string) => {
      const schema = schemas.get(table);
      return index ? schema?.indexes[index] : schema?.hashKey;
    };
    const accesses = resourceAccesses(op, parsed, hashKeyOf);
    const action = `dynamodb:${op}`;
    if (accesses.length === 0) {
      await authorizeIam(caller, { action, resourceArn: dynamoTableArn(o.ctx, "*") });
      return;
    }
    for (const access of accesses) {
      await authorizeIam(caller, {
        action,
        resourceArn: dynamoTableArn(o.ctx, access.tableName, access.indexName),
        context: access.leadingKeys ? { "dynamodb:LeadingKeys": access.leadingKeys } : {},
      });
    }
  }

  let inFlight = 0;
  function forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    inFlight++;
    res.once("close", () => inFlight--);
    // dynalite's own request handler, called in-process with the body the gate has already
    // read and the gate's response: a second HTTP round trip over the socket for every
    // operation was a cost of its own under load (docs/performance.md, "Throughput").
    // dynalite reads only the method, URL, headers and the body's data and end events.
    const request = Object.assign(Readable.from(body.length > 0 ? [body] : []), { method: req.method, url: req.url, headers: req.headers });
    backend.emit("request", request, res);
  }

  function sendError(res: http.ServerResponse, error: LocalAwsError): void {
    if (res.headersSent) return void res.destroy();
    const payload = dynamoErrorBody(error.code, error.message);
    res.writeHead(error.status, {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": randomUUID(),
      "content-length": Buffer.byteLength(payload),
    });
    res.end(payload);
  }

  const server = http.createServer((req, res) => {
    if (o.calls) {
      const op = String(req.headers["x-amz-target"] ?? "").slice(TARGET_PREFIX.length, TARGET_PREFIX.length + 40);
      o.calls.mark("dynamodb", "Request", op);
      res.once("finish", () => o.calls?.mark("dynamodb", "Answered", op));
    }
    let body: Buffer;
    readBody(req)
      .then(async (b) => {
        body = b;
        await authorize(req, body);
        forward(req, body, res);
      })
      .catch((error: unknown) => {
        sendError(res, error instanceof LocalAwsError ? error : new LocalAwsError(500, "InternalServerError", "internal error"));
      });
  });
  server.keepAliveTimeout = 30_000;
  const port = await listen(server, o.port, "dynamodb");
  return {
    url: `http://127.0.0.1:${port}`,
    backendSocket: socket.path,
    async close() {
      schemaClient.destroy();
      await close(server);
      // dynalite throws from its callbacks when its store closes under a running write: drain first.
      for (let waited = 0; inFlight > 0 && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 50));
      await new Promise<void>((resolve) => backend.close(() => resolve()));
      backendAgent.destroy();
      if (socket.temporaryDir) rmSync(socket.temporaryDir, { recursive: true, force: true });
      else rmSync(socket.path, { force: true });
    },
  };
}
