/**
 * cognito-local itself (no gate in front): it must not be reachable over TCP at all (it
 * answers any Admin* call unauthenticated), only over a Unix socket in an owner-only
 * directory; its database is owner-only; and it exits when the stack goes away.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCognitoLocal, upstreamSocketDir, type CognitoLocalProcess } from "../../../../local/cognito/cognito";

jest.setTimeout(30_000);

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

function request(socketPath: string, method: string, path: string, target?: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath,
        method,
        path,
        headers: target ? { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${target}` } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** TCP ports a process listens on (Linux /proc): its socket inodes that are in LISTEN state. */
function tcpListenPorts(pid: number): number[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode): inode is string => inode !== undefined),
  );
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== "0A" || !inodes.has(cols[9])) continue;
      ports.push(parseInt(cols[1].split(":")[1], 16));
    }
  }
  return ports;
}

describe("startCognitoLocal", () => {
  let stateDir: string;
  let upstream: CognitoLocalProcess;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "mta-cognito-unit-"));
    upstream = await startCognitoLocal(stateDir, "http://127.0.0.1:1");
  });
  afterAll(async () => {
    await upstream?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const linuxIt = existsSync("/proc/self/fd") ? it : it.skip;

  linuxIt("listens on no TCP port at all, only on its Unix socket", async () => {
    expect((await request(upstream.socketPath, "GET", "/health")).status).toBe(200);
    expect(upstream.child.pid).toBeDefined();
    expect(tcpListenPorts(upstream.child.pid as number)).toEqual([]);
  });

  it("keeps the socket and its data in owner-only directories; the database it writes is owner-only", async () => {
    expect(upstream.socketPath).toBe(join(stateDir, "cognito", "run", "cognito-local.sock"));
    expect(mode(join(stateDir, "cognito", "run"))).toBe("700");
    expect(mode(join(stateDir, "cognito"))).toBe("700");
    expect(mode(join(stateDir, "cognito", ".cognito"))).toBe("700");
    expect(mode(join(stateDir, "cognito", ".cognito", "config.json"))).toBe("600");
    // Same user, straight to the socket: the gate is bypassed, which only the owner can do.
    const created = await request(upstream.socketPath, "POST", "/", "CreateUserPool", { PoolName: "p" });
    expect(created.status).toBe(200);
    const poolId = (JSON.parse(created.body) as { UserPool: { Id: string } }).UserPool.Id;
    const dbDir = join(stateDir, "cognito", ".cognito", "db");
    expect(mode(dbDir)).toBe("700");
    expect(mode(join(dbDir, `${poolId}.json`))).toBe("600");
  });

  const asRoot = typeof process.getuid === "function" && process.getuid() === 0 ? it : it.skip;
  asRoot("another local user cannot connect to the socket (an unauthenticated AdminGetUser never arrives)", () => {
    const probe = `require("http").request({ socketPath: ${JSON.stringify(upstream.socketPath)}, method: "POST", path: "/", headers: { "x-amz-target": "X.AdminGetUser", "content-type": "application/x-amz-json-1.1" } }, (r) => { console.log("reached " + r.statusCode); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(0); }).end("{}")`;
    const run = spawnSync(process.execPath, ["-e", probe], { uid: 65534, gid: 65534, cwd: "/", encoding: "utf8", timeout: 10_000 });
    expect(run.stdout.trim()).toBe("EACCES");
    // The owner still reaches it (the gate's path).
    return expect(request(upstream.socketPath, "GET", "/health").then((r) => r.status)).resolves.toBe(200);
  });

  it("exits when its parent goes away (the IPC channel closes)", async () => {
    const stateDir2 = mkdtempSync(join(tmpdir(), "mta-cognito-unit-"));
    const second = await startCognitoLocal(stateDir2, "http://127.0.0.1:1");
    try {
      const exited = new Promise<number | null>((resolve) => second.child.once("exit", (code) => resolve(code)));
      second.child.disconnect();
      expect(await exited).toBe(0);
    } finally {
      await second.stop();
      rmSync(stateDir2, { recursive: true, force: true });
    }
  });
});

describe("upstreamSocketDir", () => {
  it("uses a fresh 0700 directory in the temporary directory when the state path is too long for a socket", () => {
    const long = join(tmpdir(), "x".repeat(120));
    const { dir, temporary } = upstreamSocketDir(long);
    try {
      expect(temporary).toBe(true);
      expect(dir.startsWith(tmpdir())).toBe(true);
      expect(mode(dir)).toBe("700");
      expect(join(dir, "cognito-local.sock").length).toBeLessThanOrEqual(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
