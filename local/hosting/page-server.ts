/**
 * The page's host: serves `web/` for any stack, with a generated `GET /config.json` built
 * from that stack's outputs and the same security headers everywhere. The local stack
 * serves the page with it, and `npm run web` (scripts/web-server.ts) serves it for any
 * stack's outputs file, so both send the same bytes with the same headers.
 */
import { createReadStream, realpathSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { extname, isAbsolute, relative, resolve, sep } from "node:path";
import type { StackOutputs } from "../runtime/stack-outputs";

export const WEB_DIR = resolve(__dirname, "..", "..", "web");
const NODE_MODULES = resolve(__dirname, "..", "..", "node_modules");

/**
 * The page's libraries, served as ES modules from the pinned npm packages (package.json
 * pins exact versions; no build step, no CDN): a fixed map from URL to file, so nothing
 * else under node_modules is reachable. web/vendor/*.d.ts type them for tsc.
 */
export const VENDOR_MODULES: Readonly<Record<string, string>> = {
  "/vendor/marked.js": resolve(NODE_MODULES, "marked", "lib", "marked.esm.js"),
  "/vendor/purify.js": resolve(NODE_MODULES, "dompurify", "dist", "purify.es.mjs"),
};
export const WEB_HOST = "127.0.0.1";

/** What the page needs to know about a stack; served as `/config.json`. */
export interface WebConfig {
  region: string;
  userPoolClientId: string;
  /** Cognito's JSON API endpoint (the page POSTs InitiateAuth etc. here). */
  cognitoEndpoint: string;
  webSocketUrl: string;
  webSocketProtocol: string;
}

/** Pure: the page's config from a stack's outputs (local stand-in endpoints win over AWS). */
export function webConfigFromOutputs(outputs: StackOutputs): WebConfig {
  const cognito = outputs.endpoints?.cognito ?? `https://cognito-idp.${outputs.region}.amazonaws.com/`;
  return {
    region: outputs.region,
    userPoolClientId: outputs.userPoolClientId,
    // URL normalisation gives an origin-only endpoint its trailing slash.
    cognitoEndpoint: new URL(cognito).toString(),
    webSocketUrl: outputs.webSocketUrl,
    webSocketProtocol: outputs.webSocketProtocol,
  };
}

/**
 * Only these file types are served; anything else under web/ (e.g. the `.d.ts` files that
 * type the page's modules for the unit tests) is a 404.
 */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

function origin(url: string): string {
  return new URL(url).origin;
}

/** The Content-Security-Policy for a config: the page may talk only to itself, Cognito and the WebSocket API. */
export function contentSecurityPolicy(config: WebConfig): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self' ${origin(config.cognitoEndpoint)} ${origin(config.webSocketUrl)}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(config: WebConfig): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(config),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
  };
}

/**
 * Pure: the file a request path names inside `webDir`, or undefined when it names
 * nothing servable (outside the directory, a dotfile, an unknown type, malformed).
 * Symlinks are checked separately against the real path.
 */
export function resolveStaticPath(webDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const wanted = decoded === "/" ? "/index.html" : decoded;
  const segments = wanted.split("/").filter((s) => s.length > 0);
  if (segments.some((s) => s === ".." || s.startsWith("."))) return undefined;
  const file = resolve(webDir, ...segments);
  const rel = relative(webDir, file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return undefined;
  if (!(extname(file) in CONTENT_TYPES) || file.endsWith(".d.ts")) return undefined;
  return file;
}

function isInside(dir: string, file: string): boolean {
  return file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

export interface WebServerOptions {
  webDir?: string;
  config: WebConfig;
}

/** An http.Server (not yet listening) that serves `webDir` and `/config.json`. */
export function createWebServer({ webDir = WEB_DIR, config }: WebServerOptions): http.Server {
  const root = realpathSync(webDir);
  const headers = securityHeaders(config);
  const configBody = JSON.stringify(config);

  const send = (res: http.ServerResponse, status: number, type: string, body: string, extra = {}) => {
    res.writeHead(status, { ...headers, "Content-Type": type, "Content-Length": Buffer.byteLength(body), ...extra });
    res.end(res.req.method === "HEAD" ? undefined : body);
  };
  const notFound = (res: http.ServerResponse) => send(res, 404, "text/plain; charset=utf-8", "Not found\n");

  return http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "text/plain; charset=utf-8", "Method not allowed\n", { Allow: "GET, HEAD" });
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/config.json") {
      send(res, 200, CONTENT_TYPES[".json"], configBody, { "Cache-Control": "no-store" });
      return;
    }
    const vendored = Object.prototype.hasOwnProperty.call(VENDOR_MODULES, path) ? VENDOR_MODULES[path] : undefined;
    const file = vendored ?? resolveStaticPath(root, path);
    if (file === undefined) return notFound(res);
    let real: string;
    let size: number;
    try {
      real = realpathSync(file);
      const stat = statSync(real);
      if (!stat.isFile()) return notFound(res);
      size = stat.size;
    } catch {
      return notFound(res);
    }
    if (vendored === undefined && !isInside(root, real)) return notFound(res);
    res.writeHead(200, {
      ...headers,
      "Content-Type": vendored === undefined ? CONTENT_TYPES[extname(real)] : CONTENT_TYPES[".js"],
      "Content-Length": size,
      // Always revalidate: there is no build step and so no fingerprinted file names.
      "Cache-Control": "no-cache",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(real)
      .on("error", () => res.destroy())
      .pipe(res);
  });
}

/** Start serving on 127.0.0.1 (port 0 picks a free one); resolves with the URL. */
export async function startWebServer(
  options: WebServerOptions & { port?: number },
): Promise<{ server: http.Server; url: string }> {
  const server = createWebServer(options);
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, WEB_HOST, () => {
      server.off("error", fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${WEB_HOST}:${port}/` };
}
