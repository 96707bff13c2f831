/**
 * SigV4 verification for the local stand-ins: rebuild the request's canonical form exactly
 * as the signer did (SignedHeaders, raw path, query, body), sign it with the registry's
 * secret at the request's own x-amz-date and compare in constant time. The signer trusts
 * x-amz-content-sha256, so the body hash is checked separately: otherwise a tampered
 * body would verify. Every header that selects what the request does must be signed.
 *
 * The canonical request is built here directly, step for step as @smithy/signature-v4
 * (the SDK's signer) builds it, with node:crypto (OpenSSL) hashing: re-signing through
 * the SDK's signer cloned the request, re-derived the signing key and hashed through its
 * async interface on every call, about a sixth of the stack process's CPU under load
 * (docs/performance.md, "Throughput"). The unit tests sign with the SDK's signer and
 * verify here, so the two cannot drift apart unnoticed.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { LocalAwsError, type RawAwsRequest } from "../runtime/aws-request";
import type { CredentialRecord, CredentialRegistry } from "./credentials";

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;:._-]+),\s*Signature=([0-9a-f]{64})$/;

/** 15 minutes, as AWS allows. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const missingAuth = (): LocalAwsError =>
  new LocalAwsError(400, "MissingAuthenticationTokenException", "Request is missing Authentication Token");
const badSignature = (detail: string): LocalAwsError =>
  new LocalAwsError(400, "InvalidSignatureException", detail);

/**
 * The REST services (API Gateway's `@connections`, Bedrock) answer a request that fails
 * authentication with HTTP 403, where the JSON-protocol services (DynamoDB, STS, Cognito)
 * answer 400: the same error, with the status those services use. Anything else is
 * returned unchanged.
 */
export function asRestAuthenticationFailure(error: unknown): unknown {
  return error instanceof LocalAwsError && error.status === 400 ? new LocalAwsError(403, error.code, error.message) : error;
}

/** Pure: the parts of an `Authorization: AWS4-HMAC-SHA256 …` header, or an error. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (!header) throw missingAuth();
  const match = AUTH_PATTERN.exec(header.trim());
  if (!match) throw new LocalAwsError(400, "IncompleteSignatureException", "Authorization header is not a valid AWS4-HMAC-SHA256 signature");
  const [, accessKeyId, date, region, service, signed, signature] = match;
  return { accessKeyId, date, region, service, signedHeaders: signed.split(";"), signature };
}

/** `20240101T000000Z` → Date, or undefined when malformed. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Raw query → the decoded map HttpRequest carries (the signer re-encodes it canonically). */
export function parseQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!query) return out;
  for (const part of query.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = safeDecode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? "" : safeDecode(part.slice(eq + 1));
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, "%20"));
  } catch {
    throw badSignature("malformed query string");
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Pure: headers present on the request that change its meaning but are not signed.
 * Every `x-amz-*` header (x-amz-target picks the operation, x-amz-security-token the
 * session, x-amz-content-sha256 the body) and content-type must be covered by the
 * signature, or a captured request could be replayed as another operation (GetItem
 * swapped for DeleteItem). The AWS SDK v3 signs all of them.
 */
export function unsignedSensitiveHeaders(headers: Readonly<Record<string, string>>, signedHeaders: readonly string[]): string[] {
  const signed = new Set(signedHeaders);
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => (name.startsWith("x-amz-") || name === "content-type") && !signed.has(name))
    .sort();
}

export interface VerifyOptions {
  /** When set, the credential scope must name this signing service. */
  service?: string;
  now?: () => number;
  /**
   * S3 signs the path as sent (no second URI-encoding, no dot-segment normalisation);
   * every other service double-encodes it. False for S3, as the SDK's S3 signer does.
   */
  uriEscapePath?: boolean;
}

/**
 * Verify a request's SigV4 signature; returns the caller's credential record.
 * Error codes follow the AWS services: UnrecognizedClientException (unknown key or
 * wrong session token), ExpiredTokenException, InvalidSignatureException.
 */
export async function verifySigV4(
  request: RawAwsRequest,
  registry: CredentialRegistry,
  options: VerifyOptions = {},
): Promise<CredentialRecord> {
  const auth = parseAuthorization(request.headers.authorization);
  const record = registry.resolve(auth.accessKeyId);

  const tokenHeader = request.headers["x-amz-security-token"];
  if ((record.sessionToken ?? "") !== "" || tokenHeader !== undefined) {
    if (tokenHeader === undefined || record.sessionToken === undefined || !constantTimeEqual(tokenHeader, record.sessionToken)) {
      throw new LocalAwsError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
    }
  }
  if (options.service !== undefined && auth.service !== options.service) {
    throw badSignature(`Credential should be scoped to correct service: '${options.service}'.`);
  }
  const signingDate = parseAmzDate(request.headers["x-amz-date"]);
  if (!signingDate) throw badSignature("missing or malformed X-Amz-Date header");
  if (!request.headers["x-amz-date"].startsWith(auth.date)) throw badSignature("credential scope date does not match X-Amz-Date");
  const now = (options.now ?? Date.now)();
  if (Math.abs(now - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw badSignature("Signature expired: the request time is more than 15 minutes from the server time.");
  }
  // HTTP/2 clients sign the :authority pseudo-header in place of Host.
  if (!auth.signedHeaders.includes("host") && !auth.signedHeaders.includes(":authority")) throw badSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (!auth.signedHeaders.includes("x-amz-date")) throw badSignature("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  const unsigned = unsignedSensitiveHeaders(request.headers, auth.signedHeaders);
  if (unsigned.length > 0) {
    throw badSignature(`${unsigned.map((h) => `'${h}'`).join(", ")} must be a 'SignedHeader' in the AWS Authorization.`);
  }

  // The body's hash: the signer uses the declared one when the header is there (it must
  // then be signed, above), so a declared hash must match the body.
  const actualHash = createHash("sha256").update(request.body).digest("hex");
  const declaredHash = request.headers["x-amz-content-sha256"];
  if (declaredHash !== undefined && !constantTimeEqual(declaredHash, actualHash)) {
    throw badSignature("The provided x-amz-content-sha256 header does not match what was computed.");
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = name === ":authority" ? (request.headers[":authority"] ?? request.headers.host) : request.headers[name];
    if (value === undefined) throw badSignature(`signed header '${name}' is missing`);
    headers[name] = value;
  }
  const longDate = signingDate.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
  const scope = `${longDate.slice(0, 8)}/${auth.region}/${auth.service}/aws4_request`;
  const canonical = canonicalRequest({
    method: request.method,
    path: options.uriEscapePath === false ? request.rawPath : canonicalPath(request.rawPath),
    query: canonicalQuery(parseQuery(request.query)),
    headers,
    payloadHash: declaredHash ?? actualHash,
  });
  const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
  const expected = createHmac("sha256", signingKey(record, scope)).update(stringToSign).digest("hex");
  if (!constantTimeEqual(expected, auth.signature)) {
    throw badSignature(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    );
  }
  return record;
}

/** As the SDK's `escapeUri`: RFC 3986 unreserved characters stay, everything else is percent-encoded. */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Pure: the canonical URI of every service but S3, as the SDK's signer computes it: empty
 * and `.` segments dropped, `..` resolved, then the (already encoded) path encoded once
 * more, slashes kept.
 */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return escapeUri(normalized).replace(/%2F/g, "/");
}

/** Pure: the canonical query string (keys and each key's values sorted, both encoded), as the SDK's signer builds it. */
export function canonicalQuery(query: Record<string, string | string[]>): string {
  const serialized = new Map<string, string>();
  for (const key of Object.keys(query)) {
    if (key.toLowerCase() === "x-amz-signature") continue;
    const encodedKey = escapeUri(key);
    const value = query[key];
    serialized.set(
      encodedKey,
      typeof value === "string"
        ? `${encodedKey}=${escapeUri(value)}`
        : value
            .map((v) => `${encodedKey}=${escapeUri(v)}`)
            .sort()
            .join("&"),
    );
  }
  return [...serialized.keys()]
    .sort()
    .map((key) => serialized.get(key))
    .filter((part) => part)
    .join("&");
}

/** Pure: the canonical request (headers by lower-case name, values with runs of blanks folded, as the signer does). */
export function canonicalRequest(r: { method: string; path: string; query: string; headers: Readonly<Record<string, string>>; payloadHash: string }): string {
  const names = Object.keys(r.headers).sort();
  const lines = names.map((name) => `${name}:${canonicalHeaderValue(r.headers[name])}`);
  return `${r.method}\n${r.path}\n${r.query}\n${lines.join("\n")}\n\n${names.join(";")}\n${r.payloadHash}`;
}

/** Blanks that the signer folds or trims; most values have none, and skip the three replacements. */
const FOLDED = /[\r\n\t]| {2}|^ | $/;

function canonicalHeaderValue(value: string): string {
  if (!FOLDED.test(value)) return value;
  return value
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/^ | $/g, "");
}

/**
 * The signing key derived from a key's secret for one scope (date, region, service), kept
 * per credential record and scope: four HMACs saved on every request but the first of a
 * key, service and day (one key signs for several services: the chat function's role
 * calls DynamoDB, Lambda, Bedrock and `@connections`). Held beside the record, never
 * logged or returned.
 */
const signingKeys = new WeakMap<CredentialRecord, { secret: string; byScope: Map<string, Buffer> }>();

/** Scopes kept per record: a few services a day; the oldest goes first past this. */
const MAX_SCOPES_PER_KEY = 16;

function signingKey(record: CredentialRecord, scope: string): Buffer {
  let known = signingKeys.get(record);
  if (known === undefined || known.secret !== record.secretAccessKey) {
    known = { secret: record.secretAccessKey, byScope: new Map() };
    signingKeys.set(record, known);
  }
  const cached = known.byScope.get(scope);
  if (cached !== undefined) return cached;
  let key: Buffer | string = `AWS4${record.secretAccessKey}`;
  for (const part of scope.split("/")) key = createHmac("sha256", key).update(part).digest();
  if (known.byScope.size >= MAX_SCOPES_PER_KEY) known.byScope.delete(known.byScope.keys().next().value as string);
  known.byScope.set(scope, key as Buffer);
  return key as Buffer;
}
