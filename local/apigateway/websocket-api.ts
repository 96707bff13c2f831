/**
 * Local stand-in for an API Gateway WebSocket API stage and its `@connections` management
 * API, on one HTTP server bound to 127.0.0.1:
 * - upgrade at `/<stage>`: REQUEST authorizer, then the `$connect` integration; refusals are
 *   plain HTTP responses (401/403/500) as API Gateway sends them; the subprotocol the
 *   integration returns is echoed (none returned → none sent, so clients that offered one drop);
 * - text frames: route selection with the Pulumi program's expression, MESSAGE events carrying the
 *   authorizer context on every route, the returned body sent back on two-way routes only
 *   (route-response.ts); `$disconnect` on close;
 * - API Gateway's quotas: 32 KB frames and 128 KB messages (close 1009), binary frames
 *   (close 1003), idle 10 min and 2 h per connection (close 1001), 29 s integration timeout
 *   (the client gets `{"message":"Internal server error",…}` as from API Gateway).
 * Lambda, IAM and SigV4 are injected callbacks, so this file knows nothing of the core.
 */
import * as http from "node:http";
import type { Duplex } from "node:stream";
import type { AddressInfo } from "node:net";
import { randomBytes, randomUUID } from "node:crypto";
import { WebSocketServer, WebSocket, type RawData } from "ws";
import { AUTHORIZER_IDENTITY_SOURCES, identitySourceHeaders, MESSAGE_ROUTE_KEYS } from "../../infra/route-keys";
import { IDLE_TIMEOUT_MS, MAX_CONNECTION_MS } from "../../web/js/protocol-limits.js";
import type { RawAwsRequest } from "../runtime/aws-request";
import { eventTypeOf, handleManagementRequest, matchManagementPath, type ManagedConnection } from "./management-api";
import { routeResponseFrame } from "./route-response";
import type { CallCounter } from "../runtime/call-counter";
import { FrameSizeMeter } from "./frame-size-meter";
import {
  buildAuthorizerEvent,
  buildConnectEvent,
  buildDisconnectEvent,
  buildMessageEvent,
  evaluateAuthorizerResult,
  selectRoute,
  type ApiIdentity,
  type AuthorizerContext,
  type ConnectionFacts,
} from "./lambda-events";

export interface ApiGatewayLimits {
  frameBytes?: number;
  messageBytes?: number;
  idleMs?: number;
  maxConnectionMs?: number;
  integrationTimeoutMs?: number;
}

export interface ApiGatewayOptions {
  port?: number;
  stage: string;
  apiId: string;
  region: string;
  accountId: string;
  /** REQUEST authorizer event -> policy result (principalId, policyDocument, context); throw "Unauthorized" for 401. */
  invokeAuthorizer(event: unknown): Promise<unknown>;
  /** Lambda proxy integration for $connect/$disconnect/routes/$default: returns {statusCode, headers?, body?}. */
  invokeIntegration(event: unknown): Promise<unknown>;
  /** SigV4 + IAM for execute-api:ManageConnections; throws LocalAwsError to refuse. */
  authorize(request: RawAwsRequest, resourceArn: string): Promise<void>;
  limits?: ApiGatewayLimits;
  /**
   * Two-way routes (with a route response): the integration's `body` is sent back to the
   * client as one frame, an empty one when it has none (route-response.ts). Default: none.
   */
  routeResponses?: readonly string[];
  /** Counts client messages, route responses, connections and PostToConnection calls (local/runtime/call-counter.ts). */
  calls?: CallCounter;
}

export interface ApiGatewayServer {
  webSocketUrl: string;
  managementUrl: string;
  connectionCount(): number;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: Required<ApiGatewayLimits> = {
  frameBytes: 32 * 1024,
  messageBytes: 128 * 1024,
  idleMs: IDLE_TIMEOUT_MS,
  maxConnectionMs: MAX_CONNECTION_MS,
  integrationTimeoutMs: 29_000,
};

interface Connection extends ManagedConnection {
  facts: ConnectionFacts;
  ws: WebSocket;
  authorizer: AuthorizerContext;
  lastActiveAt: number;
}

class IntegrationTimeout extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export async function startApiGateway(o: ApiGatewayOptions): Promise<ApiGatewayServer> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const routeResponses = o.routeResponses ?? [];
  const connections = new Map<string, Connection>();
  const sockets = new Set<Duplex>();
  const chosenProtocol = new WeakMap<http.IncomingMessage, string | undefined>();
  let shuttingDown = false;

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (!matchManagementPath(path, o.stage)) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found" }));
      return;
    }
    handleManagementRequest(req, res, {
      api: api(),
      lookup: (id) => connections.get(id),
      authorize: o.authorize,
      maxPayloadBytes: limits.messageBytes,
      calls: o.calls,
    }).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: "Internal server error" }));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.messageBytes,
    perMessageDeflate: false,
    // Exactly what the $connect integration returned: API Gateway does not check it against the offer.
    handleProtocols: (_offered, req) => chosenProtocol.get(req) ?? false,
  });

  let port = 0;
  const api = (): ApiIdentity => ({
    apiId: o.apiId,
    stage: o.stage,
    region: o.region,
    accountId: o.accountId,
    domainName: `127.0.0.1:${port}`,
  });

  const withTimeout = <T>(p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new IntegrationTimeout()), limits.integrationTimeoutMs);
      p.then(resolve, reject).finally(() => clearTimeout(timer));
    });

  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    upgrade(req, socket, head).catch(() => refuse(socket, 500, "Internal server error"));
  });

  async function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const [path, query = ""] = (req.url ?? "/").split(/\?(.*)/s);
    if (path !== `/${o.stage}` && path !== `/${o.stage}/`) return refuse(socket, 403, "Forbidden");
    if (shuttingDown) return refuse(socket, 503, "Service Unavailable");

    const now = Date.now();
    const facts: ConnectionFacts = {
      // API Gateway ids look like "VLSD5fGaIAMCLBA=": base64, so they need URI-encoding in management paths.
      connectionId: randomBytes(11).toString("base64"),
      connectedAt: now,
      sourceIp: (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
      ...(typeof req.headers["user-agent"] === "string" && { userAgent: req.headers["user-agent"] }),
    };
    const upgradeFacts = { requestId: randomUUID(), requestTimeEpoch: now, rawHeaders: req.rawHeaders, query };

    // API Gateway answers 401 itself, without invoking the authorizer, when the request
    // lacks an identity source (infra/route-keys.ts AUTHORIZER_IDENTITY_SOURCES).
    const identityHeaders = identitySourceHeaders(AUTHORIZER_IDENTITY_SOURCES);
    if (identityHeaders.some((name) => !hasHeaderValue(req.headers[name]))) return refuse(socket, 401, "Unauthorized");
    const authorizerEvent = buildAuthorizerEvent(api(), facts, upgradeFacts);
    const started = Date.now();
    let authResult: unknown;
    try {
      authResult = await withTimeout(o.invokeAuthorizer(authorizerEvent));
    } catch (err) {
      // A Lambda authorizer that throws "Unauthorized" means 401; any other failure is a 500.
      return err instanceof Error && err.message === "Unauthorized"
        ? refuse(socket, 401, "Unauthorized")
        : refuse(socket, 500, "Internal server error");
    }
    const decision = evaluateAuthorizerResult(authResult, authorizerEvent.methodArn);
    if (decision.outcome === "unauthorized") return refuse(socket, 401, "Unauthorized");
    if (decision.outcome === "deny") return refuse(socket, 403, "Forbidden");
    if (decision.outcome === "error") return refuse(socket, 500, "Internal server error");
    const authorizer: AuthorizerContext = { ...decision.context, integrationLatency: Date.now() - started };

    let result: unknown;
    try {
      result = await withTimeout(o.invokeIntegration(buildConnectEvent(api(), facts, upgradeFacts, authorizer)));
    } catch {
      return refuse(socket, 500, "Internal server error");
    }
    const status = isRecord(result) && typeof result.statusCode === "number" ? result.statusCode : 500;
    if (status < 200 || status > 299) {
      return refuse(socket, status >= 400 && status <= 599 ? status : 500, status === 403 ? "Forbidden" : "Connection refused");
    }
    if (socket.destroyed || shuttingDown) return;

    chosenProtocol.set(req, subprotocolOf(result));
    wss.handleUpgrade(req, socket, head, (ws) => register(ws, socket, facts, authorizer));
  }

  function register(ws: WebSocket, socket: Duplex, facts: ConnectionFacts, authorizer: AuthorizerContext): void {
    const conn: Connection = {
      facts,
      ws,
      authorizer,
      lastActiveAt: facts.connectedAt,
      send: (data) =>
        new Promise<void>((resolve, reject) => {
          if (ws.readyState !== WebSocket.OPEN) return reject(new Error("gone"));
          touch();
          ws.send(data, { binary: false }, (err) => (err ? reject(err) : resolve()));
        }),
      info: () => ({ connectedAt: facts.connectedAt, lastActiveAt: conn.lastActiveAt, sourceIp: facts.sourceIp, userAgent: facts.userAgent }),
      close: () => ws.close(1000),
    };
    connections.set(facts.connectionId, conn);

    const goAway = () => ws.readyState === WebSocket.OPEN && ws.close(1001, "Going away");
    const idleTimer = setTimeout(goAway, limits.idleMs);
    const lifetimeTimer = setTimeout(goAway, limits.maxConnectionMs);
    function touch() {
      conn.lastActiveAt = Date.now();
      // The idle timeout starts again (every message either way: a new timer per message cost more).
      idleTimer.refresh();
    }

    // Runs before ws sees the bytes, so an oversized frame is never dispatched.
    const meter = new FrameSizeMeter(limits.frameBytes, () => {
      if (ws.readyState === WebSocket.OPEN) ws.close(1009, "Message too big");
    });
    socket.prependListener("data", (chunk: Buffer) => meter.push(chunk));

    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (isBinary) {
        ws.close(1003, "Binary frames are not supported");
        return;
      }
      touch();
      const bytes = toBuffer(data);
      o.calls?.count("apigateway", "ClientMessage", { bytes: bytes.length });
      void dispatch(conn, bytes.toString("utf8"));
    });
    ws.on("error", () => undefined);
    ws.on("close", (code: number, reason: Buffer) => {
      clearTimeout(idleTimer);
      clearTimeout(lifetimeTimer);
      connections.delete(facts.connectionId);
      if (shuttingDown) return;
      const now = Date.now();
      const event = buildDisconnectEvent(
        api(),
        facts,
        { requestId: randomUUID(), requestTimeEpoch: now, statusCode: code, reason: reason.toString("utf8") },
        authorizer,
      );
      withTimeout(o.invokeIntegration(event)).catch(() => undefined);
    });
  }

  async function dispatch(conn: Connection, body: string): Promise<void> {
    // The Pulumi program's routes and selection expression (infra/route-keys.ts).
    const routeKey = selectRoute(body, MESSAGE_ROUTE_KEYS);
    const requestId = randomUUID();
    const event = buildMessageEvent(
      api(),
      conn.facts,
      { requestId, requestTimeEpoch: Date.now(), routeKey, messageId: randomBytes(11).toString("base64"), body },
      conn.authorizer,
    );
    // What API Gateway sends the client when the integration fails, times out or answers malformed.
    const internalError = () =>
      conn.send(Buffer.from(JSON.stringify({ message: "Internal server error", connectionId: conn.facts.connectionId, requestId }))).catch(() => undefined);
    let result: unknown;
    try {
      result = await withTimeout(o.invokeIntegration(event));
    } catch {
      return internalError();
    }
    o.calls?.mark("apigateway", "IntegrationEnd", routeKey);
    // A one-way route sends nothing back, whatever the function returned (route-response.ts).
    if (!routeResponses.includes(routeKey)) return;
    const response = routeResponseFrame(result);
    if (!response.ok) return internalError();
    const frame = Buffer.from(response.frame, "utf8");
    // Counted as what it is: API Gateway's own message on the route, not a signed call of the function.
    o.calls?.count("apigateway", "RouteResponse", { bytes: frame.length, detail: eventTypeOf(frame) });
    await conn.send(frame).catch(() => undefined);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    webSocketUrl: `ws://127.0.0.1:${port}/${o.stage}`,
    managementUrl: `http://127.0.0.1:${port}/${o.stage}`,
    connectionCount: () => connections.size,
    close: async () => {
      shuttingDown = true;
      for (const conn of connections.values()) conn.ws.terminate();
      connections.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/** A header that is present with a non-blank value. */
export function hasHeaderValue(value: string | string[] | undefined): boolean {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.some((v) => v.trim() !== "");
}

function subprotocolOf(result: unknown): string | undefined {
  if (!isRecord(result) || !isRecord(result.headers)) return undefined;
  for (const [name, value] of Object.entries(result.headers)) {
    if (name.toLowerCase() === "sec-websocket-protocol" && typeof value === "string" && value.length > 0) return value;
  }
  return undefined;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Refuse an upgrade with a plain HTTP response, as API Gateway does. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? "Error"}\r\n` +
      "Connection: close\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
