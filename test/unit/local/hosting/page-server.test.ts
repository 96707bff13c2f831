import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackOutputs } from "../../../../local/runtime/stack-outputs";
import {
  contentSecurityPolicy,
  createWebServer,
  resolveStaticPath,
  startWebServer,
  VENDOR_MODULES,
  WEB_DIR,
  webConfigFromOutputs,
  type WebConfig,
} from "../../../../local/hosting/page-server";

const outputs: StackOutputs = {
  region: "eu-west-1",
  webSocketUrl: "wss://abc123.execute-api.eu-west-1.amazonaws.com/dev",
  webSocketProtocol: "mta.v1",
  userPoolId: "eu-west-1_abcdef",
  userPoolClientId: "client123",
  tenantsTableName: "t",
  ordersTableNames: {},
  connectionsTableName: "c",
  usageTableName: "usage",
  agentId: "a",
  agentAliasId: "b",
  knowledgeBucketName: "kb-documents",
  knowledgeBaseId: "KBASE12345",
  knowledgeDataSourceId: "DSRC123456",
  users: {},
};

const config: WebConfig = {
  region: "us-east-1",
  userPoolClientId: "client-local",
  cognitoEndpoint: "http://127.0.0.1:4100/",
  webSocketUrl: "ws://127.0.0.1:4200/local",
  webSocketProtocol: "mta.v1",
};

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw request: unlike fetch, http.request sends the path exactly as given (no dot-segment cleanup). */
function request(base: string, path: string, method = "GET"): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("webConfigFromOutputs", () => {
  it("points an AWS stack at the regional Cognito endpoint", () => {
    expect(webConfigFromOutputs(outputs)).toEqual({
      region: "eu-west-1",
      userPoolClientId: "client123",
      cognitoEndpoint: "https://cognito-idp.eu-west-1.amazonaws.com/",
      webSocketUrl: "wss://abc123.execute-api.eu-west-1.amazonaws.com/dev",
      webSocketProtocol: "mta.v1",
    });
  });

  it("uses the local stack's Cognito stand-in when the outputs name one", () => {
    const local = {
      ...outputs,
      endpoints: { cognito: "http://127.0.0.1:9230", dynamodb: "", sts: "", lambda: "", bedrockAgentRuntime: "", apiGatewayManagement: "" },
    };
    expect(webConfigFromOutputs(local).cognitoEndpoint).toBe("http://127.0.0.1:9230/");
  });

  it("never exposes secrets from the outputs", () => {
    const withSecrets = { ...outputs, initialPasswords: { u: "Temp-Pass-1!" }, adminCredentials: { accessKeyId: "AKIA1", secretAccessKey: "s3cr3t" } };
    const text = JSON.stringify(webConfigFromOutputs(withSecrets));
    expect(text).not.toMatch(/Temp-Pass-1|AKIA1|s3cr3t/);
  });
});

describe("contentSecurityPolicy", () => {
  it("lets the page connect only to itself, Cognito and the WebSocket API, and run only its own scripts", () => {
    const csp = contentSecurityPolicy(config);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:4100 ws://127.0.0.1:4200;");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe("resolveStaticPath", () => {
  const root = "/srv/web";
  it.each([
    ["/", "/srv/web/index.html"],
    ["/index.html", "/srv/web/index.html"],
    ["/js/main.js", "/srv/web/js/main.js"],
    ["/a%20b.css", "/srv/web/a b.css"],
  ])("maps %s inside the web directory", (path, file) => {
    expect(resolveStaticPath(root, path)).toBe(file);
  });

  it.each([
    "/../secret.txt",
    "/js/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/js/..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/%00index.html",
    "/%E0%A4%A",
    "/.env",
    "/js/.hidden.js",
    "/js/main.d.ts",
    "/server.ts",
    "/js",
  ])("refuses %s", (path) => {
    expect(resolveStaticPath(root, path)).toBeUndefined();
  });
});

describe("createWebServer", () => {
  let sandbox: string;
  let webDir: string;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    sandbox = mkdtempSync(join(tmpdir(), "web-server-test-"));
    webDir = join(sandbox, "web");
    mkdirSync(join(webDir, "js"), { recursive: true });
    writeFileSync(join(sandbox, "secret.txt"), "TOP SECRET");
    writeFileSync(join(webDir, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(join(webDir, "styles.css"), "body{}");
    writeFileSync(join(webDir, "js", "main.js"), "export {};");
    writeFileSync(join(webDir, "js", "main.d.ts"), "export {};");
    writeFileSync(join(webDir, "icon.svg"), "<svg/>");
    writeFileSync(join(webDir, ".env"), "SECRET=1");
    symlinkSync(join(sandbox, "secret.txt"), join(webDir, "link.txt"));
    ({ server, url: base } = await startWebServer({ webDir, config }));
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(sandbox, { recursive: true, force: true });
  });

  it("binds to 127.0.0.1 only", () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((server.address() as { address: string }).address).toBe("127.0.0.1");
  });

  it.each([
    ["/", "text/html; charset=utf-8", "<!doctype html>"],
    ["/index.html", "text/html; charset=utf-8", "<!doctype html>"],
    ["/styles.css", "text/css; charset=utf-8", "body{}"],
    ["/js/main.js", "text/javascript; charset=utf-8", "export {};"],
    ["/icon.svg", "image/svg+xml", "<svg/>"],
    ["/js/main.js?v=2", "text/javascript; charset=utf-8", "export {};"],
  ])("serves %s as %s", async (path, type, start) => {
    const reply = await request(base, path);
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe(type);
    expect(reply.body.startsWith(start)).toBe(true);
  });

  it("serves the generated /config.json, never cached", async () => {
    const reply = await request(base, "/config.json");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(reply.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(reply.body)).toEqual(config);
  });

  it("sends the security headers on every response, including 404s", async () => {
    for (const path of ["/", "/config.json", "/nope.html"]) {
      const reply = await request(base, path);
      expect(reply.headers["content-security-policy"]).toBe(contentSecurityPolicy(config));
      expect(reply.headers["x-content-type-options"]).toBe("nosniff");
      expect(reply.headers["x-frame-options"]).toBe("DENY");
      expect(reply.headers["referrer-policy"]).toBe("no-referrer");
    }
  });

  it("answers 404 for unknown paths and directories", async () => {
    for (const path of ["/nope.html", "/js/", "/js", "/missing/deep/file.js"]) {
      expect((await request(base, path)).status).toBe(404);
    }
  });

  it.each([
    "/../secret.txt",
    "/js/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/%2E%2E/secret.txt",
    "/..%2fsecret.txt",
    "/js/..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/link.txt",
    "/.env",
    "/js/main.d.ts",
  ])("refuses %s without leaking the file", async (path) => {
    const reply = await request(base, path);
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain("TOP SECRET");
    expect(reply.body).not.toContain("SECRET=1");
  });

  it("refuses methods other than GET and HEAD, and HEAD has no body", async () => {
    const post = await request(base, "/index.html", "POST");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    const head = await request(base, "/index.html", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("serves the real page directory by default", async () => {
    const real = createWebServer({ config });
    await new Promise<void>((r) => real.listen(0, "127.0.0.1", r));
    const { port } = real.address() as { port: number };
    try {
      const page = await request(`http://127.0.0.1:${port}/`, "/");
      expect(page.status).toBe(200);
      expect(page.body).toContain('<script type="module" src="/js/main.js"></script>');
      expect((await request(`http://127.0.0.1:${port}/`, "/js/main.js")).status).toBe(200);
      expect((await request(`http://127.0.0.1:${port}/`, "/js/chat.d.ts")).status).toBe(404);
      expect((await request(`http://127.0.0.1:${port}/`, "/vendor/marked.d.ts")).status).toBe(404);
    } finally {
      await new Promise((r) => real.close(r));
    }
    expect(WEB_DIR.endsWith("web")).toBe(true);
  });
});

describe("the page's libraries under /vendor/", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    ({ server, url: base } = await startWebServer({ config }));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it.each([
    ["/vendor/marked.js", "export{"],
    ["/vendor/purify.js", "export { purify_default as default }"],
  ])("serves %s as a JavaScript ES module from the pinned package", async (path, exportText) => {
    const reply = await request(base, path);
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(reply.headers["content-security-policy"]).toBe(contentSecurityPolicy(config));
    expect(reply.body).toContain(exportText);
  });

  it("maps exactly those URLs: nothing else under node_modules is reachable", async () => {
    expect(Object.keys(VENDOR_MODULES).sort()).toEqual(["/vendor/marked.js", "/vendor/purify.js"]);
    for (const path of ["/vendor/", "/vendor/lodash.js", "/vendor/../package.json", "/node_modules/marked/package.json", "/vendor/marked.js/.."]) {
      expect((await request(base, path)).status).toBe(404);
    }
  });
});

