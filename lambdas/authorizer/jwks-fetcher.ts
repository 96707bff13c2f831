/**
 * JWKS download for aws-jwt-verify's `SimpleJwksCache`. The library's own fetcher refuses
 * `http:`, which the local stack's cognito-local needs; this one allows `http:` only to a
 * loopback host (nothing on a network path can swap the keys) and `https:` anywhere, with a
 * timeout and a size cap so a slow or hostile endpoint cannot stall or bloat the function.
 */
import http from "node:http";
import https from "node:https";
import type { Fetcher } from "aws-jwt-verify/https";

export const JWKS_FETCH_TIMEOUT_MS = 3000;
/** A Cognito JWKS is ~1 KB; key rotation doubles it at most. */
export const MAX_JWKS_BYTES = 64 * 1024;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export class JwksFetchError extends Error {
  override readonly name = "JwksFetchError";
  readonly code = "jwks_unavailable";
}

/** Whether keys may be fetched from this URL: https anywhere, http only on this machine. */
export function isPermittedJwksUrl(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "") return false;
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
}

export class LoopbackAwareJwksFetcher implements Fetcher {
  constructor(
    private readonly timeoutMs: number = JWKS_FETCH_TIMEOUT_MS,
    private readonly maxBytes: number = MAX_JWKS_BYTES,
  ) {}

  fetch(uri: string): Promise<ArrayBuffer> {
    if (!isPermittedJwksUrl(uri)) return Promise.reject(new JwksFetchError("JWKS URL must be https, or http on a loopback host"));
    const url = new URL(uri);
    const client = url.protocol === "https:" ? https : http;
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const request = client.get(url, { headers: { accept: "application/json" }, timeout: this.timeoutMs }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new JwksFetchError(`JWKS endpoint answered HTTP ${response.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) {
            request.destroy(new JwksFetchError(`JWKS larger than ${this.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
        });
        response.on("error", (error) => reject(error instanceof JwksFetchError ? error : new JwksFetchError("JWKS download failed")));
      });
      request.on("timeout", () => request.destroy(new JwksFetchError(`JWKS download timed out after ${this.timeoutMs} ms`)));
      request.on("error", (error) => reject(error instanceof JwksFetchError ? error : new JwksFetchError("JWKS endpoint unreachable")));
    });
  }
}
