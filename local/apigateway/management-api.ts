/**
 * The `@connections` management API of a WebSocket API stage (PostToConnection,
 * GetConnection, DeleteConnection), as the AWS SDK's ApiGatewayManagementApiClient calls
 * it: `POST|GET|DELETE /<stage>/@connections/<URI-encoded connection id>`, SigV4-signed
 * for execute-api:ManageConnections.
 */
import type * as http from "node:http";
import { LocalAwsError, readBody, readRawRequest, type RawAwsRequest } from "../runtime/aws-request";
import type { CallCounter } from "../runtime/call-counter";
import { manageConnectionsArn, type ApiIdentity } from "./lambda-events";

export interface ManagedConnection {
  /** Send a text frame; rejects when the connection is gone. */
  send(data: Buffer): Promise<void>;
  info(): { connectedAt: number; lastActiveAt: number; sourceIp: string; userAgent?: string };
  close(): void;
}

export interface ManagementApiDeps {
  api: ApiIdentity;
  lookup(connectionId: string): ManagedConnection | undefined;
  authorize(request: RawAwsRequest, resourceArn: string): Promise<void>;
  /** API Gateway: 128 KB per PostToConnection payload. */
  maxPayloadBytes: number;
  calls?: CallCounter;
}

/** The connection id of a management path under this stage, or undefined for other paths. */
export function matchManagementPath(rawPath: string, stage: string): { connectionId: string } | undefined {
  const prefix = `/${stage}/@connections/`;
  if (!rawPath.startsWith(prefix)) return undefined;
  const encoded = rawPath.slice(prefix.length);
  if (encoded.length === 0 || encoded.includes("/")) return undefined;
  try {
    return { connectionId: decodeURIComponent(encoded) };
  } catch {
    return undefined;
  }
}

export async function handleManagementRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  deps: ManagementApiDeps,
): Promise<void> {
  deps.calls?.mark("apigateway", "ManagementRequest");
  let body: Buffer;
  try {
    body = await readBody(req, deps.maxPayloadBytes * 4);
  } catch {
    return sendJson(res, 413, "PayloadTooLargeException", { message: "Request payload too large" });
  }
  const raw = readRawRequest(req, body);
  const match = matchManagementPath(raw.rawPath, deps.api.stage);
  const method = raw.method;
  if (!match || !["POST", "GET", "DELETE"].includes(method)) {
    return sendJson(res, 404, "NotFoundException", { message: "Not Found" });
  }

  try {
    await deps.authorize(raw, manageConnectionsArn(deps.api, method, match.connectionId));
  } catch (err) {
    if (err instanceof LocalAwsError) return sendJson(res, err.status, err.code, { message: err.message });
    return sendJson(res, 403, "AccessDeniedException", { message: "Forbidden" });
  }

  if (method === "POST" && body.length > deps.maxPayloadBytes) {
    return sendJson(res, 413, "PayloadTooLargeException", { message: "Message too long" });
  }
  if (method === "POST") deps.calls?.count("apigateway", "PostToConnection", { bytes: body.length, detail: eventTypeOf(body) });
  else deps.calls?.count("apigateway", method === "GET" ? "GetConnection" : "DeleteConnection");
  const connection = deps.lookup(match.connectionId);
  if (!connection) return sendJson(res, 410, "GoneException", { message: `Connection ${match.connectionId} is gone` });

  switch (method) {
    case "POST":
      try {
        await connection.send(body);
        deps.calls?.mark("apigateway", "PostToConnectionSent");
      } catch {
        return sendJson(res, 410, "GoneException", { message: `Connection ${match.connectionId} is gone` });
      }
      res.writeHead(200, { "content-length": "0" }).end();
      return;
    case "GET": {
      const info = connection.info();
      return sendJson(res, 200, undefined, {
        connectedAt: new Date(info.connectedAt).toISOString(),
        identity: { sourceIp: info.sourceIp, ...(info.userAgent !== undefined && { userAgent: info.userAgent }) },
        lastActiveAt: new Date(info.lastActiveAt).toISOString(),
      });
    }
    default:
      connection.close();
      res.writeHead(204).end();
  }
}

/** The `type` of a server event, for the counts by kind (PostToConnection, route responses); "other" for anything else. */
export function eventTypeOf(body: Buffer): string {
  try {
    const type = (JSON.parse(body.toString("utf8")) as { type?: unknown }).type;
    return typeof type === "string" && /^[a-z_]{1,20}$/.test(type) ? type : "other";
  } catch {
    return "other";
  }
}

function sendJson(res: http.ServerResponse, status: number, errorType: string | undefined, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...(errorType !== undefined && { "x-amzn-errortype": errorType }),
  });
  res.end(body);
}
