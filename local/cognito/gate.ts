/**
 * The HTTP face of the local Cognito: a proxy in front of cognito-local that lets through
 * only what the AWS user-pool endpoint serves (the JSON API at `/`, JWKS, OpenID
 * configuration, CORS preflights), authenticates operator calls as AWS does (every
 * operation not in the public list needs a SigV4 signature for `cognito-idp` and IAM
 * permission `cognito-idp:<Operation>` on the user pool), asks CognitoGatePolicy about
 * every API call, and answers refusals in the AWS JSON error shape. cognito-local's OAuth2 routes stay
 * unreachable: the pool has no hosted domain. The ID and access tokens cognito-local issues
 * (signed with the key its npm package ships) are re-signed with the gate's per-start key,
 * and the pool's JWKS and OpenID configuration are the gate's own (token-signer.ts).
 * Nothing here logs a body, a password or a token.
 */
import * as http from "node:http";
import type { AwsContext } from "../../infra/policies";
import { LocalAwsError, readRawRequest, type RawAwsRequest } from "../runtime/aws-request";
import { awsErrorResponse, COGNITO_IAM_DENIAL, CognitoGateRefusal, errorTypeName, operatorAuthRefusal } from "./errors";
import type { CognitoGatePolicy, JsonObject } from "./gate-policy";
import { COGNITO_SIGNING_SERVICE, operationAccess, operatorIamRequest } from "./operations";
import { jwksDocument, openIdConfiguration, resignAuthenticationResult, type TokenSigningKey } from "./token-signer";
import type { CredentialRecord } from "../iam/credentials";
import type { DenialShape, IamRequest } from "../iam/policy-evaluation";
import { close, listen, LOCAL_HOST } from "../runtime/listen";

export const MAX_REQUEST_BYTES = 1024 * 1024;
const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";
const WELL_KNOWN_PATH = /^\/([A-Za-z0-9_-]+)\/\.well-known\/(jwks\.json|openid-configuration)$/;
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade", "proxy-connection"]);

/**
 * The stack's SigV4 verification and IAM evaluation (verifySigV4 / authorizeIam with the
 * stack's credential registry): both throw a LocalAwsError to refuse.
 */
export interface OperatorAuthentication {
  /** Partition, region and account of the user pool ARNs IAM evaluates. */
  ctx: AwsContext;
  authenticate(request: RawAwsRequest, options: { service: string }): Promise<CredentialRecord>;
  authorize(caller: CredentialRecord, request: IamRequest, denial: DenialShape): Promise<void>;
}

/** Where cognito-local listens: a URL, or a Unix socket (what the stack uses: no TCP port at all). */
export type UpstreamTarget = string | { socketPath: string };

export interface CognitoGate {
  url: string;
  port: number;
  /** Where cognito-local listens; requests before it is set get a 503. */
  setUpstream(target: UpstreamTarget): void;
  close(): Promise<void>;
}

/** The raw path without query; not resolved as a URL, so `//host/…` stays a path and never names a host. */
export function pathOf(rawUrl: string | undefined): string {
  return (rawUrl ?? "/").split("?")[0] ?? "/";
}

export type RouteKind = "api" | "well_known" | "passthrough" | "not_found";

/** Which of the user-pool endpoint's routes a request is; everything else is not served. */
export function routeOf(method: string | undefined, rawUrl: string | undefined): RouteKind {
  const path = pathOf(rawUrl);
  if (method === "OPTIONS" && (path === "/" || WELL_KNOWN_PATH.test(path))) return "passthrough";
  if (method === "POST" && path === "/") return "api";
  if (method === "GET" && WELL_KNOWN_PATH.test(path)) return "well_known";
  if (method === "GET" && path === "/health") return "passthrough";
  return "not_found";
}

/**
 * The operation cognito-local will run: it takes the text between the first and second
 * dot of X-Amz-Target, so the gate reads it exactly the same way.
 */
export function operationOf(target: string | string[] | undefined): string | undefined {
  if (typeof target !== "string") return undefined;
  const op = target.split(".")[1];
  return op ? op : undefined;
}

/**
 * The JSON object a request carries, or a refusal. Only the plain JSON media type without
 * content encoding: cognito-local would also parse form bodies (and inflate gzip), which
 * would let a request mean one thing to the gate and another to cognito-local.
 */
export function parseApiBody(headers: http.IncomingHttpHeaders, raw: Buffer): JsonObject {
  const type = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  const encoding = (headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const refuse = () => new CognitoGateRefusal("SerializationException", `Expected a ${JSON_CONTENT_TYPE} JSON object body`);
  if (type !== JSON_CONTENT_TYPE || encoding !== "identity") throw refuse();
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw refuse();
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw refuse();
  return value as JsonObject;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new CognitoGateRefusal("SerializationException", "Request body too large", 413));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function forwardHeaders(headers: http.IncomingHttpHeaders, bodyLength?: number): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  if (bodyLength !== undefined) out["content-length"] = String(bodyLength);
  return out;
}

interface UpstreamAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function callUpstream(upstream: UpstreamTarget, req: http.IncomingMessage, path: string, body?: Buffer): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const options: http.RequestOptions = { method: req.method, headers: forwardHeaders(req.headers, body?.length) };
    const outgoing = http.request(
      typeof upstream === "string" ? new URL(path, upstream) : new URL(`http://${LOCAL_HOST}${path}`),
      typeof upstream === "string" ? options : { ...options, socketPath: upstream.socketPath },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/**
 * A call the gate makes to cognito-local on its own account (the user lookup before
 * AdminUserGlobalSignOut, the sign-in after NEW_PASSWORD_REQUIRED): cognito-local has no
 * authentication of its own, so nothing needs signing.
 */
async function callUpstreamOperation(upstream: UpstreamTarget, operation: string, body: JsonObject): Promise<{ status: number; body: JsonObject }> {
  const payload = Buffer.from(JSON.stringify(body));
  const answer = await new Promise<UpstreamAnswer>((resolve, reject) => {
    const headers = {
      "content-type": JSON_CONTENT_TYPE,
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
      "content-length": String(payload.length),
    };
    const outgoing = http.request(
      typeof upstream === "string" ? new URL("/", upstream) : new URL(`http://${LOCAL_HOST}/`),
      typeof upstream === "string" ? { method: "POST", headers } : { method: "POST", headers, socketPath: upstream.socketPath },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
  const parsed = parseJson(answer.body);
  return { status: answer.status, body: parsed !== null && typeof parsed === "object" ? (parsed as JsonObject) : {} };
}

/**
 * cognito-local does not store the refresh token RespondToAuthChallenge returns, so a new
 * user's first session could never be refreshed. After a successful NEW_PASSWORD_REQUIRED
 * the gate signs the user in once more with the password just set and hands out THAT
 * result, whose refresh token cognito-local keeps: the client sees one answer, as on AWS.
 */
async function storedRefreshResult(upstream: UpstreamTarget, request: JsonObject, parsed: unknown): Promise<unknown> {
  const responses = request.ChallengeResponses as Record<string, unknown> | undefined;
  const result = (parsed as { AuthenticationResult?: unknown } | undefined)?.AuthenticationResult;
  if (request.ChallengeName !== "NEW_PASSWORD_REQUIRED" || !result || typeof responses?.NEW_PASSWORD !== "string") return parsed;
  const again = await callUpstreamOperation(upstream, "InitiateAuth", {
    ClientId: request.ClientId,
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: responses.USERNAME, PASSWORD: responses.NEW_PASSWORD },
  });
  return again.status === 200 && again.body.AuthenticationResult ? again.body : parsed;
}

function sendRefusal(res: http.ServerResponse, refusal: CognitoGateRefusal): void {
  const { status, headers, body } = awsErrorResponse(refusal);
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) }).end(body);
}

function sendUpstream(res: http.ServerResponse, answer: UpstreamAnswer): void {
  const headers = forwardHeaders(answer.headers, answer.body.length);
  if (answer.status >= 400 && headers["x-amzn-errortype"] === undefined) {
    // AWS names the error in a header as well as in the body; cognito-local only in the body.
    try {
      const type = errorTypeName((JSON.parse(answer.body.toString("utf8")) as { __type?: unknown }).__type);
      if (type) headers["x-amzn-errortype"] = type;
    } catch {
      // not JSON: nothing to name
    }
  }
  res.writeHead(answer.status, headers).end(answer.body);
}

/** An error cognito-local gave the gate's own call, in the AWS JSON shape. */
function sendJsonError(res: http.ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: type, message });
  res
    .writeHead(status, { "content-type": JSON_CONTENT_TYPE, "x-amzn-errortype": type, "access-control-allow-origin": "*", "content-length": Buffer.byteLength(body) })
    .end(body);
}

function sendJson(res: http.ServerResponse, document: unknown): void {
  const body = JSON.stringify(document);
  res
    .writeHead(200, { "content-type": "application/json; charset=utf-8", "access-control-allow-origin": "*", "content-length": Buffer.byteLength(body) })
    .end(body);
}

/**
 * The pool's JWKS or OpenID configuration, answered by the gate itself: cognito-local's
 * would publish the key its package ships (and name itself as issuer). Unknown pools: 404.
 */
function sendWellKnown(res: http.ServerResponse, rawUrl: string | undefined, o: { policy: CognitoGatePolicy; key: TokenSigningKey; url: string }): void {
  const [, poolId = "", document] = WELL_KNOWN_PATH.exec(pathOf(rawUrl)) ?? [];
  if (!o.policy.pools.pool(poolId)) {
    return sendRefusal(res, new CognitoGateRefusal("ResourceNotFoundException", `User pool ${poolId} does not exist.`, 404));
  }
  sendJson(res, document === "jwks.json" ? jwksDocument(o.key) : openIdConfiguration(`${o.url}/${poolId}`));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Runs a SigV4 / IAM step, turning its LocalAwsError into the refusal Cognito answers with. */
async function asRefusal<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof LocalAwsError) throw operatorAuthRefusal(error);
    throw error;
  }
}

export interface CognitoGateOptions {
  port: number;
  policy: CognitoGatePolicy;
  /** Required: without it every operator call would be open to any local process. */
  operators: OperatorAuthentication;
  /** The key the tokens clients receive are signed with, and the one the pool's JWKS publishes. */
  signingKey: TokenSigningKey;
  upstream?: UpstreamTarget;
}

export async function startCognitoGate(o: CognitoGateOptions): Promise<CognitoGate> {
  let upstream = o.upstream;
  let url = "";
  const { operators } = o;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const route = routeOf(req.method, req.url);
    if (route === "not_found") {
      req.resume();
      return sendRefusal(res, new CognitoGateRefusal("UnknownOperationException", "Not found", 404));
    }
    const raw = await readBody(req);
    if (route === "well_known") return sendWellKnown(res, req.url, { policy: o.policy, key: o.signingKey, url });
    if (!upstream) return sendRefusal(res, new CognitoGateRefusal("InternalErrorException", "Cognito is starting", 503));
    if (route === "passthrough") return sendUpstream(res, await callUpstream(upstream, req, pathOf(req.url), raw));

    const operation = operationOf(req.headers["x-amz-target"]);
    // AWS authenticates before it reads the body: an unsigned AdminCreateUser is
    // MissingAuthenticationToken whatever it carries.
    const caller =
      operation !== undefined && operationAccess(operation) === "operator"
        ? await asRefusal(() => operators.authenticate(readRawRequest(req, raw), { service: COGNITO_SIGNING_SERVICE }))
        : undefined;
    const body = parseApiBody(req.headers, raw);
    // No operation: cognito-local refuses it without running anything.
    if (operation === undefined) return sendUpstream(res, await callUpstream(upstream, req, "/", raw));
    if (caller) {
      const iam = operatorIamRequest(operators.ctx, operation, body);
      await asRefusal(() => operators.authorize(caller, iam, COGNITO_IAM_DENIAL));
    }
    if (operation === "AdminUserGlobalSignOut") {
      // cognito-local answers 500 (unsupported): the gate checks the user exists, then signs them out itself.
      const found = await callUpstreamOperation(upstream, "AdminGetUser", { UserPoolId: body.UserPoolId, Username: body.Username });
      if (found.status !== 200) {
        const type = errorTypeName(found.body.__type) ?? "UserNotFoundException";
        const message = typeof found.body.message === "string" ? found.body.message : "User does not exist.";
        return sendJsonError(res, found.status, type, message);
      }
      o.policy.adminSignOut(String(body.UserPoolId), typeof found.body.Username === "string" ? found.body.Username : String(body.Username));
      return sendJson(res, {});
    }
    const decision = o.policy.before(operation, body);
    if (decision.kind === "refuse") return sendRefusal(res, decision.refusal);
    if (decision.kind === "answer") return sendJson(res, decision.body);
    let answer: UpstreamAnswer;
    try {
      answer = await callUpstream(upstream, req, "/", raw);
    } catch (error) {
      o.policy.after(decision.pending, 502, undefined);
      throw error;
    }
    const parsed = operation === "RespondToAuthChallenge" && answer.status === 200 ? await storedRefreshResult(upstream, body, parseJson(answer.body)) : parseJson(answer.body);
    const replacement = o.policy.after(decision.pending, answer.status, parsed);
    if (replacement) return sendRefusal(res, replacement);
    // Every answer that carries tokens (InitiateAuth incl. refresh, RespondToAuthChallenge, Admin*):
    // the client only ever sees tokens signed with the gate's key.
    const resigned = answer.status === 200 ? resignAuthenticationResult(parsed, o.signingKey) : undefined;
    return sendUpstream(res, resigned ? { ...answer, body: Buffer.from(JSON.stringify(resigned)) } : answer);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      const refusal = error instanceof CognitoGateRefusal ? error : new CognitoGateRefusal("InternalErrorException", "Cognito is unavailable", 500);
      sendRefusal(res, refusal);
    });
  });
  const port = await listen(server, o.port, "cognito");
  url = `http://${LOCAL_HOST}:${port}`;
  return {
    url,
    port,
    setUpstream: (target) => {
      upstream = target;
    },
    close: () => close(server),
  };
}
