/**
 * SigV4 verification for the local stand-ins: rebuild the request exactly as signed
 * (SignedHeaders, raw path, query, body), re-sign it with the registry's secret at the
 * request's own x-amz-date and compare in constant time. The signer trusts
 * x-amz-content-sha256, so the body hash is checked separately: otherwise a tampered
 * body would verify. Every header that selects what the request does must be signed.
 */
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from "node:crypto";
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

/**
 * SHA-256 and HMAC-SHA-256 for the signer from node:crypto (OpenSSL): the pure-JavaScript
 * hash was a measurable share of the stack process under load, and every request is
 * verified by re-signing it.
 */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;

  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

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

  const declaredHash = request.headers["x-amz-content-sha256"];
  if (declaredHash !== undefined) {
    const actual = createHash("sha256").update(request.body).digest("hex");
    if (!constantTimeEqual(declaredHash, actual)) {
      throw badSignature("The provided x-amz-content-sha256 header does not match what was computed.");
    }
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = name === ":authority" ? (request.headers[":authority"] ?? request.headers.host) : request.headers[name];
    if (value === undefined) throw badSignature(`signed header '${name}' is missing`);
    headers[name] = value;
  }
  const host = headers.host ?? headers[":authority"];
  const [hostname, port] = host.includes(":") ? [host.slice(0, host.lastIndexOf(":")), host.slice(host.lastIndexOf(":") + 1)] : [host, undefined];
  const rebuilt = new HttpRequest({
    method: request.method,
    protocol: "http:",
    hostname,
    port: port ? Number(port) : undefined,
    path: request.rawPath,
    query: parseQuery(request.query),
    headers,
    body: request.body.length > 0 ? request.body : undefined,
  });
  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    sha256: NodeSha256,
    uriEscapePath: options.uriEscapePath ?? true,
    // Never add headers the client did not sign: the signed set is exactly auth.signedHeaders.
    applyChecksum: false,
    credentials: {
      accessKeyId: record.accessKeyId,
      secretAccessKey: record.secretAccessKey,
      ...(record.sessionToken && tokenHeader !== undefined && auth.signedHeaders.includes("x-amz-security-token")
        ? { sessionToken: record.sessionToken }
        : {}),
    },
  });
  const signed = await signer.sign(rebuilt, {
    signingDate,
    signableHeaders: new Set(auth.signedHeaders),
  });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? "";
  if (!constantTimeEqual(expected, auth.signature)) {
    throw badSignature(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    );
  }
  return record;
}
