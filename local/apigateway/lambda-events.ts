/**
 * Pure builders of the events API Gateway (WebSocket API, Lambda proxy) hands to Lambda,
 * plus route selection and the evaluation of a REQUEST authorizer's answer. Shapes follow
 * the AWS developer guide examples field by field, so handlers tested locally see what
 * they will see in AWS.
 */
import { ROUTE_SELECTION_EXPRESSION, routeSelectionField } from "../../infra/route-keys";

export interface ApiIdentity {
  apiId: string;
  stage: string;
  region: string;
  accountId: string;
  /** Host the client connected to (AWS: <apiId>.execute-api.<region>.amazonaws.com). */
  domainName: string;
}

export interface ConnectionFacts {
  connectionId: string;
  /** Epoch milliseconds. */
  connectedAt: number;
  sourceIp: string;
  userAgent?: string;
}

export interface RequestFacts {
  requestId: string;
  extendedRequestId?: string;
  /** Epoch milliseconds. */
  requestTimeEpoch: number;
}

export type AuthorizerContext = Record<string, string | number | null>;

// ---------------------------------------------------------------------------------------
// Small pieces

/** `headers` keeps the last value under the client's spelling; `multiValueHeaders` keeps all. */
export function headerMaps(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const [name, value] = [rawHeaders[i], rawHeaders[i + 1]];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

/** Query maps, or nothing at all when there is no query (as API Gateway omits them). */
export function queryMaps(query: string): {
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
} {
  const params = new URLSearchParams(query);
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of params) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return Object.keys(single).length === 0 ? {} : { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `requestTime` as API Gateway writes it: 09/Feb/2019:11:09:07 +0000. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

export function connectMethodArn(api: ApiIdentity): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/$connect`;
}

export function manageConnectionsArn(api: ApiIdentity, method: string, connectionId: string): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${method}/@connections/${connectionId}`;
}

/**
 * Route selection as API Gateway does it for a `$request.body.<field>` expression (the
 * Pulumi program's, by default): a known route, else `$default`. An expression of any
 * other form selects nothing here, so every message goes to `$default`.
 */
export function selectRoute(body: string, routes: readonly string[], expression = ROUTE_SELECTION_EXPRESSION): string {
  const field = routeSelectionField(expression);
  if (field === undefined) return "$default";
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const selected = (parsed as Record<string, unknown>)[field];
      if (typeof selected === "string" && routes.includes(selected)) return selected;
    }
  } catch {
    // not JSON: the selection expression yields nothing
  }
  return "$default";
}

function requestContext(
  api: ApiIdentity,
  conn: ConnectionFacts,
  req: RequestFacts,
  route: { routeKey: string; eventType: "CONNECT" | "MESSAGE" | "DISCONNECT" },
) {
  return {
    routeKey: route.routeKey,
    eventType: route.eventType,
    extendedRequestId: req.extendedRequestId ?? req.requestId,
    requestTime: formatRequestTime(req.requestTimeEpoch),
    messageDirection: "IN",
    stage: api.stage,
    connectedAt: conn.connectedAt,
    requestTimeEpoch: req.requestTimeEpoch,
    identity: { sourceIp: conn.sourceIp, ...(conn.userAgent !== undefined && { userAgent: conn.userAgent }) },
    requestId: req.requestId,
    domainName: api.domainName,
    connectionId: conn.connectionId,
    apiId: api.apiId,
  };
}

// ---------------------------------------------------------------------------------------
// Events

export interface UpgradeFacts extends RequestFacts {
  rawHeaders: readonly string[];
  query: string;
}

export function buildAuthorizerEvent(api: ApiIdentity, conn: ConnectionFacts, req: UpgradeFacts) {
  return {
    type: "REQUEST" as const,
    methodArn: connectMethodArn(api),
    ...headerMaps(req.rawHeaders),
    ...queryMaps(req.query),
    stageVariables: {},
    requestContext: requestContext(api, conn, req, { routeKey: "$connect", eventType: "CONNECT" }),
  };
}

export function buildConnectEvent(api: ApiIdentity, conn: ConnectionFacts, req: UpgradeFacts, authorizer: AuthorizerContext) {
  return {
    ...headerMaps(req.rawHeaders),
    ...queryMaps(req.query),
    requestContext: { ...requestContext(api, conn, req, { routeKey: "$connect", eventType: "CONNECT" }), authorizer },
    isBase64Encoded: false,
  };
}

export function buildMessageEvent(
  api: ApiIdentity,
  conn: ConnectionFacts,
  req: RequestFacts & { routeKey: string; messageId: string; body: string },
  authorizer: AuthorizerContext,
) {
  return {
    requestContext: {
      ...requestContext(api, conn, req, { routeKey: req.routeKey, eventType: "MESSAGE" }),
      messageId: req.messageId,
      authorizer,
    },
    body: req.body,
    isBase64Encoded: false,
  };
}

export function buildDisconnectEvent(
  api: ApiIdentity,
  conn: ConnectionFacts,
  req: RequestFacts & { statusCode: number; reason: string },
  authorizer: AuthorizerContext,
) {
  const headers = { Host: api.domainName, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": "" };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: {
      ...requestContext(api, conn, req, { routeKey: "$disconnect", eventType: "DISCONNECT" }),
      disconnectStatusCode: req.statusCode,
      disconnectReason: req.reason,
      authorizer,
    },
    isBase64Encoded: false,
  };
}

// ---------------------------------------------------------------------------------------
// Authorizer result

export type AuthorizerDecision =
  | { outcome: "allow"; principalId: string; context: AuthorizerContext }
  /** Policy denies: 403. */
  | { outcome: "deny" }
  /** The authorizer threw/returned "Unauthorized": 401. */
  | { outcome: "unauthorized" }
  /** Anything malformed: 500 (AuthorizerConfigurationException in AWS). */
  | { outcome: "error"; reason: string };

/** API Gateway refuses authorizer contexts over 8 KB. */
export const AUTHORIZER_CONTEXT_MAX_BYTES = 8 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((p) => p.split("?").map(escapeRe).join(".")).join(".*")}$`);
  return re.test(value);
}
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * Evaluate what the authorizer returned against the $connect method ARN: an explicit Deny
 * wins, otherwise an Allow of execute-api:Invoke on a matching resource is needed.
 * Context values are stringified for the integration, as API Gateway does.
 */
export function evaluateAuthorizerResult(result: unknown, methodArn: string): AuthorizerDecision {
  if (isRecord(result) && typeof result.errorMessage === "string") {
    return result.errorMessage === "Unauthorized" ? { outcome: "unauthorized" } : { outcome: "error", reason: "authorizer failed" };
  }
  if (!isRecord(result)) return { outcome: "error", reason: "authorizer returned no object" };
  if (typeof result.principalId !== "string" || result.principalId === "") {
    return { outcome: "error", reason: "authorizer result has no principalId" };
  }
  const doc = result.policyDocument;
  if (!isRecord(doc) || !Array.isArray(doc.Statement)) return { outcome: "error", reason: "authorizer result has no policyDocument" };

  let allowed = false;
  for (const st of doc.Statement) {
    if (!isRecord(st)) return { outcome: "error", reason: "malformed policy statement" };
    const actionMatches = asList(st.Action).some((a) => typeof a === "string" && globMatch(a.toLowerCase(), "execute-api:invoke"));
    const resourceMatches = asList(st.Resource).some((r) => typeof r === "string" && globMatch(r, methodArn));
    if (!actionMatches || !resourceMatches) continue;
    if (st.Effect === "Deny") return { outcome: "deny" };
    if (st.Effect === "Allow") allowed = true;
  }
  if (!allowed) return { outcome: "deny" };

  const context: AuthorizerContext = {};
  if (result.context !== undefined && result.context !== null) {
    if (!isRecord(result.context)) return { outcome: "error", reason: "authorizer context is not an object" };
    for (const [k, v] of Object.entries(result.context)) {
      if (v === null || v === undefined) context[k] = null;
      else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") context[k] = String(v);
      else return { outcome: "error", reason: `authorizer context value '${k}' is not a string, number or boolean` };
    }
  }
  if (Buffer.byteLength(JSON.stringify(context)) > AUTHORIZER_CONTEXT_MAX_BYTES) {
    return { outcome: "error", reason: "authorizer context exceeds 8 KB" };
  }
  return { outcome: "allow", principalId: result.principalId, context: { ...context, principalId: result.principalId } };
}
