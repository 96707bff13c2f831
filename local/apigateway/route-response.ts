/**
 * What API Gateway sends back on a two-way route (a route with a route response,
 * infra/route-keys.ts `TWO_WAY_ROUTE_KEYS`) after a Lambda proxy integration returned: the
 * result's `body`, as one text frame to the connection that sent the message. Pure.
 *
 * API Gateway's behaviour, as far as it is known (checked 2026-12-02):
 * - only a route with a route response passes the backend's response to the client; any
 *   other route sends nothing back, whatever the function returns (developer guide, "Set
 *   up route responses for WebSocket APIs in API Gateway");
 * - the body goes back whatever the `statusCode` (a 500 with a body still reaches the
 *   client's `onmessage` as that body: reported in
 *   yai333/React-Chat-App-using-AWS-API-Gateway-Websocket-and-Serverless-Framework#2, the
 *   guide says nothing of status codes for WebSocket routes);
 * - a result without a body still sends a frame, an empty one (reported in
 *   serverless/serverless#6816; the guide is silent), so a two-way route's handler must
 *   return a body for every message (lambdas/chat/routes.ts does, I9);
 * - a function error, or a result that is not a proxy response, is the integration's
 *   failure: the client gets `{"message":"Internal server error",…}` instead
 *   (websocket-api.ts), as it does on any route.
 */

export type RouteResponseFrame = { ok: true; frame: string } | { ok: false };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The frame a two-way route sends for the integration's `result`, or `ok: false` when it is malformed. */
export function routeResponseFrame(result: unknown): RouteResponseFrame {
  if (!isRecord(result)) return { ok: false };
  const body = result.body;
  if (body === undefined || body === null) return { ok: true, frame: "" };
  if (typeof body !== "string") return { ok: false };
  return { ok: true, frame: body };
}
