/** scripts/web-server.ts: `npm run web`'s arguments, exit codes and messages (the page server itself: test/unit/local/hosting). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackOutputs } from "../../../local/runtime/stack-outputs";
import { parseWebServerArgs, runWebServerCli, WebServerUsageError } from "../../../scripts/web-server";

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
