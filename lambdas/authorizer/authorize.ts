/**
 * The `$connect` decision: token from the subprotocol header, full verification, identity
 * from the verified claims, then an Allow scoped to the methodArn, or a Deny. Dependencies
 * are passed in so tests drive the real logic with their own keys and logger.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { type AuthorizerContext, buildAuthorizerContext } from "../common/authorizer-context";
import { SUB_PATTERN, TENANT_CLAIM, TENANT_ID_PATTERN } from "../common/identifiers";
import { errorSummary } from "../common/logger";
import {
  type HeaderMap,
  type MultiValueHeaderMap,
  splitSubprotocols,
  subprotocolHeader,
} from "../common/subprotocol-header";
import type { AuthorizerConfig } from "./config";
import { AuthorizationError } from "./errors";
import type { TokenVerifier } from "./verifier";

/**
 * Where the token comes from. Browsers cannot set an Authorization header on a
 * WebSocket, so the page offers two subprotocols: the app protocol, then the ID token.
 * The token is never accepted from the URL, because URLs end up in access logs, proxy
 * logs and browser history.
 */
/** Far above a Cognito ID token (~1–2 KB with custom attributes), far below API Gateway's header limit. */
export const MAX_TOKEN_LENGTH = 8192;

/** Compact JWS: three base64url parts; the signature part may be empty (`alg: none`), which the verifier refuses. */
const COMPACT_JWS_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** A JWT-shaped substring: base64url JSON objects start with `eyJ`. */
const JWT_LIKE_PATTERN = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\./;

const TOKEN_QUERY_KEYS = new Set(["token", "id_token", "idtoken", "access_token", "accesstoken", "jwt", "auth", "authorization", "bearer"]);

/**
 * The token from `<app protocol>, <token>`. Exactly two entries, the app protocol first,
 * so that the `$connect` integration can echo the app protocol (never the token) back.
 */
export function extractToken(headers: HeaderMap, appProtocol: string, multiValueHeaders?: MultiValueHeaderMap): string {
  const raw = subprotocolHeader(headers, multiValueHeaders);
  if (raw === undefined || raw.trim() === "") throw new AuthorizationError("missing_token");
  if (raw.length > MAX_TOKEN_LENGTH + appProtocol.length + 16) throw new AuthorizationError("malformed_header");

  const entries = splitSubprotocols(raw);
  if (entries.length === 0) throw new AuthorizationError("missing_token");
  if (entries[0] !== appProtocol) throw new AuthorizationError("wrong_protocol");
  if (entries.length === 1) throw new AuthorizationError("missing_token");
  if (entries.length > 2) throw new AuthorizationError("malformed_header");

  const token = entries[1];
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS_PATTERN.test(token)) {
    throw new AuthorizationError("malformed_token");
  }
  return token;
}

export type QueryMap = Record<string, string | undefined> | null | undefined;
export type MultiValueQueryMap = Record<string, readonly string[] | undefined> | null | undefined;

/**
 * Refuses a connection that carries a token in its URL, even next to a valid header:
 * the URL has already been logged by then, and accepting it would teach clients to do it.
 */
export function rejectTokenInQuery(query: QueryMap, multiValueQuery?: MultiValueQueryMap): void {
  const pairs: Array<[string, string]> = [
    ...Object.entries(query ?? {}).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : ""]),
    ...Object.entries(multiValueQuery ?? {}).flatMap(([k, vs]) =>
      (Array.isArray(vs) ? vs : []).map((v): [string, string] => [k, typeof v === "string" ? v : ""]),
    ),
  ];
  for (const [key, value] of pairs) {
    if (TOKEN_QUERY_KEYS.has(key.toLowerCase()) || JWT_LIKE_PATTERN.test(value) || JWT_LIKE_PATTERN.test(key)) {
      throw new AuthorizationError("token_in_url");
    }
  }
}

/**
 * Identity from the claims of an already verified ID token: the only place tenant and
 * user identity enter the system (I1). Pure, so every malformed claim is
 * tested without keys or network.
 */
type Claims = Readonly<Record<string, unknown>>;

export function tenantFromClaims(claims: Claims, allowed: ReadonlySet<string>): string {
  const tenantId = claims[TENANT_CLAIM];
  if (tenantId === undefined || tenantId === null || tenantId === "") throw new AuthorizationError("missing_tenant");
  if (typeof tenantId !== "string" || !TENANT_ID_PATTERN.test(tenantId)) throw new AuthorizationError("bad_tenant");
  if (!allowed.has(tenantId)) throw new AuthorizationError("unknown_tenant");
  return tenantId;
}

export function subFromClaims(claims: Claims): string {
  const sub = claims.sub;
  if (typeof sub !== "string" || !SUB_PATTERN.test(sub)) throw new AuthorizationError("bad_subject");
  return sub;
}

export function expiryFromClaims(claims: Claims): number {
  const exp = claims.exp;
  // aws-jwt-verify checks `exp` only when present; a token without one must not live forever.
  if (typeof exp !== "number" || !Number.isSafeInteger(exp) || exp <= 0) throw new AuthorizationError("missing_expiry");
  return exp;
}

/** `iat`: compared with the user's offboarding record (I17); a token without one is refused. */
export function issuedAtFromClaims(claims: Claims): number {
  const iat = claims.iat;
  if (typeof iat !== "number" || !Number.isSafeInteger(iat) || iat <= 0) throw new AuthorizationError("missing_issued_at");
  return iat;
}

/** The verified identity: what the authorizer's Allow passes on as its context. */
export function identityFromClaims(claims: Claims, allowedTenants: ReadonlySet<string>): AuthorizerContext {
  return {
    userId: subFromClaims(claims),
    tenantId: tenantFromClaims(claims, allowedTenants),
    tokenExpiresAt: expiryFromClaims(claims),
    tokenIssuedAt: issuedAtFromClaims(claims),
  };
}

/**
 * The authorizer's answer to API Gateway (IAM policy format, payload version 1.0, the
 * only one WebSocket APIs support). Allow is scoped to the exact `$connect` methodArn.
 */
export interface AuthorizerPolicy {
  principalId: string;
  policyDocument: {
    Version: "2012-10-17";
    Statement: [{ Action: "execute-api:Invoke"; Effect: "Allow" | "Deny"; Resource: string }];
  };
  context?: AuthorizerContext;
}

/** Used as principal and resource of a Deny when the request carried nothing trustworthy. */
export const ANONYMOUS_PRINCIPAL = "anonymous";

export function allowPolicy(methodArn: string, identity: AuthorizerContext): AuthorizerPolicy {
  return {
    principalId: identity.userId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: methodArn }],
    },
    context: buildAuthorizerContext(identity),
  };
}

/**
 * An explicit Deny (API Gateway answers 403). Chosen over throwing "Unauthorized" (401):
 * it is an ordinary result rather than a function error, so rejections do not count as
 * Lambda errors, and it carries no identity context at all.
 */
export function denyPolicy(methodArn: string | undefined): AuthorizerPolicy {
  return {
    principalId: ANONYMOUS_PRINCIPAL,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: methodArn ?? "*" }],
    },
  };
}

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<route>` */
const METHOD_ARN_PATTERN = /^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+\/[^/\s]+\/\S+$/;

/** The event's methodArn, or a `bad_request` refusal: an Allow must never name a resource we did not check. */
export function methodArnOf(event: { methodArn?: unknown } | null | undefined): string {
  const methodArn = event?.methodArn;
  if (typeof methodArn !== "string" || !METHOD_ARN_PATTERN.test(methodArn)) throw new AuthorizationError("bad_request");
  return methodArn;
}

/** The WebSocket REQUEST authorizer event, every field treated as untrusted and optional. */
export interface WebSocketAuthorizerEvent {
  type?: string;
  methodArn?: string;
  headers?: HeaderMap;
  multiValueHeaders?: MultiValueHeaderMap;
  queryStringParameters?: QueryMap;
  multiValueQueryStringParameters?: MultiValueQueryMap;
  requestContext?: { connectionId?: string; requestId?: string; routeKey?: string } | null;
}

export interface AuthorizerDependencies {
  config: AuthorizerConfig;
  verifier: TokenVerifier;
  logger: Logger;
}

export async function authorize(event: WebSocketAuthorizerEvent, deps: AuthorizerDependencies): Promise<AuthorizerContext> {
  rejectTokenInQuery(event.queryStringParameters, event.multiValueQueryStringParameters);
  const token = extractToken(event.headers, deps.config.appProtocol, event.multiValueHeaders);
  const claims = await deps.verifier.verify(token);
  return identityFromClaims(claims, deps.config.tenantIds);
}

export function createAuthorizerHandler(deps: AuthorizerDependencies): (event: WebSocketAuthorizerEvent) => Promise<AuthorizerPolicy> {
  const { logger } = deps;
  return async (event) => {
    const connectionId = event?.requestContext?.connectionId;
    let methodArn: string | undefined;
    try {
      methodArn = methodArnOf(event);
      const identity = await authorize(event, deps);
      logger.info("connection authorized", { tenantId: identity.tenantId, userId: identity.userId, connectionId });
      return allowPolicy(methodArn, identity);
    } catch (error) {
      if (error instanceof AuthorizationError) {
        // Only the code: the message, the token and the claims stay out of the logs.
        const log = error.code === "jwks_unavailable" ? logger.error : logger.warn;
        log.call(logger, "connection refused", { code: error.code, connectionId });
      } else {
        logger.error("connection refused: unexpected error", { code: "internal", connectionId, ...errorSummary(error) });
      }
      return denyPolicy(methodArn);
    }
  };
}
