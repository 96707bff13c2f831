/**
 * Where the token comes from. Browsers cannot set an Authorization header on a
 * WebSocket, so the page offers two subprotocols: the app protocol, then the ID token.
 * The token is never accepted from the URL, because URLs end up in access logs, proxy
 * logs and browser history.
 */
import {
  splitSubprotocols,
  subprotocolHeader,
  type HeaderMap,
  type MultiValueHeaderMap,
} from "../shared/subprotocol-header";
import { AuthorizationError } from "./errors";

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
