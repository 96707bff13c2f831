/**
 * The busy-port message of `npm start`: which process holds the port (read from a fake
 * /proc) and what to do, since the local stack has no port option.
 */
import * as net from "node:net";
import { commandLine, findPortHolder, listeningInodes, portInUseMessage, type ProcFs } from "../../../../local/runtime/port-holder";

const TCP = [
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  "   0: 0100007F:1194 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 55501 1 0 100 0 0 10 0",
  "   1: 0100007F:1194 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 55502 1 0 20 4 30 10 -1",
  "   2: 0100007F:119E 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 55503 1 0 100 0 0 10 0",
].join("\n");

function fakeProc(files: Record<string, string>, dirs: Record<string, string[]>, links: Record<string, string>): ProcFs {
  const missing = (path: string) => Object.assign(new Error(`ENOENT ${path}`), { code: "ENOENT" });
  return {
    readFile: (path) => { if (path in files) return files[path]; throw missing(path); },
    readdir: (path) => { if (path in dirs) return dirs[path]; throw missing(path); },
    readlink: (path) => { if (path in links) return links[path]; throw missing(path); },
  };
}

describe("listeningInodes", () => {
  it("finds only the LISTEN socket of the port (4500 = 0x1194), not its connections or other ports", () => {
    expect(listeningInodes(TCP, 4500)).toEqual(["55501"]);
    expect(listeningInodes(TCP, 4510)).toEqual(["55503"]);
    expect(listeningInodes(TCP, 4520)).toEqual([]);
    expect(listeningInodes("", 4500)).toEqual([]);
  });
});

describe("commandLine", () => {
  it("joins NUL-separated arguments and shortens long ones", () => {
    expect(commandLine("node\0/x/tsx\0local/index.ts\0")).toBe("node /x/tsx local/index.ts");
    expect(commandLine("x".repeat(200), 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("findPortHolder", () => {
  it("names the process whose fd links to the listening socket", () => {
    const proc = fakeProc(
      { "/proc/net/tcp": TCP, "/proc/4242/cmdline": "node\0local/index.ts\0" },
      { "/proc": ["self", "1", "4242"], "/proc/1/fd": ["0"], "/proc/4242/fd": ["0", "21"] },
      { "/proc/1/fd/0": "/dev/null", "/proc/4242/fd/0": "/dev/null", "/proc/4242/fd/21": "socket:[55501]" },
    );
    expect(findPortHolder(4500, proc)).toEqual({ pid: 4242, command: "node local/index.ts" });
  });

  it("says nothing (without throwing) when the port is free, /proc is missing or the holder is not visible", () => {
    expect(findPortHolder(4520, fakeProc({ "/proc/net/tcp": TCP }, { "/proc": [] }, {}))).toBeUndefined();
    expect(findPortHolder(4500, fakeProc({}, {}, {}))).toBeUndefined();
    expect(findPortHolder(4500, fakeProc({ "/proc/net/tcp": TCP }, { "/proc": ["77"] }, {}))).toBeUndefined();
  });

  it("finds this test's own listening server on Linux", async () => {
    if (process.platform !== "linux") return;
    const server = net.createServer();
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const { port } = server.address() as net.AddressInfo;
      expect(findPortHolder(port)).toEqual({ pid: process.pid, command: expect.any(String) });
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});

describe("portInUseMessage", () => {
  const PORTS = [4500, 4510, 4570];

  it("names the holder, how to stop it, and how to move this stack with --port-base", () => {
    const text = portInUseMessage(4500, "web", PORTS, { pid: 4242, command: "node local/index.ts" });
    expect(text).toContain("port 4500 (web) is already in use by process 4242 (node local/index.ts)");
    expect(text).toContain("ports 4500-4570");
    expect(text).toContain("kill 4242");
    expect(text).toContain("npm start -- --port-base 4600");
    expect(text).toContain("LOCAL_PORT_BASE=4600");
    expect(text).not.toContain("there is no port option");
  });

  it("suggests a base that moves the whole block, downwards near the top of the range", () => {
    expect(portInUseMessage(5510, "apiGateway", [5500, 5570], undefined, 5500)).toContain("--port-base 5600");
    expect(portInUseMessage(65000, "web", [65000, 65070], undefined, 65000)).toContain("--port-base 64900");
  });

  it("still says what to do when the holder is unknown", () => {
    const text = portInUseMessage(4510, "apiGateway", PORTS, undefined);
    expect(text).toContain("in use by another process");
    expect(text).toContain("Ctrl-C in the terminal running npm start");
    expect(text).not.toContain("kill");
  });
});
