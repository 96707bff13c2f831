/**
 * The request shape every local stand-in hands to SigV4 verification and IAM evaluation,
 * and the error every stand-in answers with. Shared by the core and edge servers so that
 * neither imports the other's internals.
 */
import type * as http from "node:http";
import type * as http2 from "node:http2";

export interface RawAwsRequest {
  method: string;
  /** As on the wire: not decoded, without the query string. */
  rawPath: string;
  /** Raw query string without the leading '?'. */
  query: string;
  /** Lower-cased header names; repeated headers joined with ','. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * An AWS-style refusal. `code` is the wire error type (AccessDeniedException,
 * UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException, …) the
 * SDK turns into the matching exception class. Messages never carry secrets.
 */
export class LocalAwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "LocalAwsError";
  }
}

/** Build a RawAwsRequest from an http/http2 request and its fully read body. */
export function readRawRequest(req: http.IncomingMessage | http2.Http2ServerRequest, body: Buffer): RawAwsRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? "" : url.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (:path, :method, :authority) are not signable headers.
    if (name.startsWith(":") || value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : String(value);
  }
  if (headers.host === undefined) {
    const authority = (req.headers as Record<string, unknown>)[":authority"];
    if (typeof authority === "string") headers.host = authority;
  }
  return { method: (req.method ?? "GET").toUpperCase(), rawPath: rawPath || "/", query, headers, body };
}

/** Read a request body fully, refusing bodies over `limit` bytes. */
export function readBody(req: NodeJS.ReadableStream, limit = 16 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer | string) => {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > limit) {
        reject(new LocalAwsError(413, "RequestEntityTooLarge", `request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(buf);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
