import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackOutputs } from "../../../scripts/stack-outputs";
import {
  contentSecurityPolicy,
  createWebServer,
  parseWebServerArgs,
  resolveStaticPath,
  runWebServerCli,
  startWebServer,
  WEB_DIR,
  WebServerUsageError,
  webConfigFromOutputs,
  type WebConfig,
} from "../../../scripts/web-server";

const outputs: StackOutputs = {
  region: "eu-west-1",
  webSocketUrl: "wss://abc123.execute-api.eu-west-1.amazonaws.com/dev",
  webSocketProtocol: "mta.v1",
  userPoolId: "eu-west-1_abcdef",
  userPoolClientId: "client123",
  tenantsTableName: "t",
  ordersTableNames: {},
  connectionsTableName: "c",
  agentId: "a",
  agentAliasId: "b",
  users: {},
  initialPasswords: {},
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
    } finally {
      await new Promise((r) => real.close(r));
    }
    expect(WEB_DIR.endsWith("web")).toBe(true);
  });
});

describe("parseWebServerArgs", () => {
  it("defaults to the local outputs and port 8080", () => {
    expect(parseWebServerArgs([])).toEqual({ port: 8080, help: false });
  });

  it("reads --outputs and --port, in both spellings", () => {
    expect(parseWebServerArgs(["--outputs", "o.json", "--port", "9000"])).toEqual({ outputs: "o.json", port: 9000, help: false });
    expect(parseWebServerArgs(["--outputs=o.json", "--port=1"])).toEqual({ outputs: "o.json", port: 1, help: false });
  });

  it.each([
    [["--port"], "--port needs a value"],
    [["--port", "80a"], "--port must be a whole number"],
    [["--port", "70000"], "--port must be a whole number"],
    [["--port", "0"], "--port must be a whole number"],
    [["--outputs", "--port", "1"], "--outputs needs a value"],
    [["--outputs="], "--outputs needs a value"],
    [["--verbose"], 'unknown argument "--verbose"'],
  ])("refuses %j", (argv, message) => {
    expect(() => parseWebServerArgs(argv)).toThrow(WebServerUsageError);
    expect(() => parseWebServerArgs(argv)).toThrow(message);
  });
});

describe("runWebServerCli", () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} }, out, err };
  };

  it("exits 2 with the usage for bad arguments", async () => {
    const { io, err } = capture();
    expect(await runWebServerCli(["--port", "x"], io)).toBe(2);
    expect(err[0]).toMatch(/^web: --port must be/);
    expect(err[1]).toMatch(/^usage:/);
  });

  it("exits 1 with a clear message when the outputs file is missing", async () => {
    const { io, err } = capture();
    expect(await runWebServerCli(["--outputs", "/nonexistent/outputs.json"], io)).toBe(1);
    expect(err).toEqual([expect.stringContaining("cannot read stack outputs at /nonexistent/outputs.json")]);
  });

  it("serves a stack from its outputs file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "web-cli-test-"));
    const file = join(dir, "outputs.json");
    writeFileSync(file, JSON.stringify(outputs));
    const { io, out } = capture();
    // Port 0 is refused on the command line, so find a free port first.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as { port: number };
    await new Promise((r) => probe.close(r));
    const result = await runWebServerCli(["--outputs", file, "--port", String(port)], io);
    try {
      expect(typeof result).not.toBe("number");
      expect(out[0]).toContain(`http://127.0.0.1:${port}/`);
      const reply = await request(`http://127.0.0.1:${port}/`, "/config.json");
      expect(JSON.parse(reply.body).webSocketUrl).toBe(outputs.webSocketUrl);
      const busy = capture();
      expect(await runWebServerCli(["--outputs", file, "--port", String(port)], busy.io)).toBe(1);
      expect(busy.err[0]).toContain("already in use");
    } finally {
      if (typeof result !== "number") await new Promise((r) => result.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints no stack trace when run as a command", () => {
    const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), join(__dirname, "../../../scripts/web-server.ts"), "--outputs", "/nonexistent/o.json"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^web: cannot read stack outputs at \/nonexistent\/o\.json/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 25_000);
});
