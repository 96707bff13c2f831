/**
 * Which process is listening on a local TCP port, so `npm start` can say "port 4500 is
 * held by process 1234 (tsx local/index.ts)" instead of only "in use". Linux only, from
 * /proc, no child process: the socket's inode from /proc/net/tcp{,6}, then the process
 * whose fd links to it. Only this user's processes are visible, so "unknown" is a normal
 * answer; every failure here is quiet (it only adds detail to a message).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const TCP_LISTEN = "0A";

export interface PortHolder {
  pid: number;
  command: string;
}

/** Pure: inodes of the sockets LISTENing on `port` in a /proc/net/tcp (or tcp6) table. */
export function listeningInodes(table: string, port: number): string[] {
  const wanted = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes: string[] = [];
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const localPort = fields[1].split(":")[1];
    if (localPort === wanted && fields[3] === TCP_LISTEN && fields[9] !== "0") inodes.push(fields[9]);
  }
  return inodes;
}

/** Pure: a /proc/<pid>/cmdline (NUL-separated) as one short line. */
export function commandLine(cmdline: string, maxChars = 80): string {
  const text = cmdline.split("\0").filter(Boolean).join(" ");
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

export interface ProcFs {
  readFile(path: string): string;
  readdir(path: string): string[];
  readlink(path: string): string;
}

const realProc: ProcFs = {
  readFile: (path) => readFileSync(path, "utf8"),
  readdir: (path) => readdirSync(path),
  readlink: (path) => readlinkSync(path),
};

function quietly<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** The process listening on `port`, or undefined when it cannot be told (not Linux, another user's process). */
export function findPortHolder(port: number, fs: ProcFs = realProc): PortHolder | undefined {
  const inodes = new Set(
    ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((table) => listeningInodes(quietly(() => fs.readFile(table), ""), port)),
  );
  if (inodes.size === 0) return undefined;
  const targets = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  for (const entry of quietly(() => fs.readdir("/proc"), [])) {
    if (!/^\d+$/.test(entry)) continue;
    for (const fd of quietly(() => fs.readdir(`/proc/${entry}/fd`), [])) {
      if (targets.has(quietly(() => fs.readlink(`/proc/${entry}/fd/${fd}`), ""))) {
        return { pid: Number(entry), command: commandLine(quietly(() => fs.readFile(`/proc/${entry}/cmdline`), "")) || "unknown command" };
      }
    }
  }
  return undefined;
}

/**
 * Pure: what to do about a busy fixed port: stop whatever holds it (usually an earlier
 * `npm start`), or move this stack's whole block of ports with --port-base. The block
 * stays fixed from run to run otherwise, so the page URL and the outputs file do too.
 */
export function portInUseMessage(
  port: number,
  service: string,
  stackPorts: readonly number[],
  holder: PortHolder | undefined,
  portBase = Math.min(...stackPorts),
): string {
  const who = holder ? `process ${holder.pid} (${holder.command})` : "another process";
  // The next block of 100 up (the stack's ports span 70), or the one below near the top.
  const suggested = portBase + 100 <= 65000 ? portBase + 100 : portBase - 100;
  return [
    `npm start: port ${port} (${service}) is already in use by ${who}; is another local stack running?`,
    `  This stack uses ports ${Math.min(...stackPorts)}-${Math.max(...stackPorts)} on 127.0.0.1 (port base ${portBase}).`,
    holder
      ? `  Stop it (Ctrl-C in its terminal, or: kill ${holder.pid}), then run npm start again,`
      : "  Stop it (Ctrl-C in the terminal running npm start), then run npm start again,",
    `  or use other ports: npm start -- --port-base ${suggested}   (or LOCAL_PORT_BASE=${suggested} npm start)`,
  ].join("\n");
}
