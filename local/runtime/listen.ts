/** Binding helpers: every local server listens on 127.0.0.1 and a busy port is one clear error. */
import type * as http from "node:http";
import type * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import * as net from "node:net";

export class PortInUseError extends Error {
  readonly code = "port_in_use";
  constructor(readonly port: number, readonly service: string) {
    super(`port ${port} (${service}) is already in use: stop the other process or choose another port`);
    this.name = "PortInUseError";
  }
}

export const LOCAL_HOST = "127.0.0.1";

export function listen(server: http.Server | http2.Http2Server | net.Server, port: number, service: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, service) : error);
    };
    server.once("error", onError);
    server.listen(port, LOCAL_HOST, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function close(server: http.Server | http2.Http2Server | net.Server): Promise<void> {
  return new Promise((resolve) => {
    (server as http.Server).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** A port that was free a moment ago (for children that must be told their port up front). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, 0, "probe");
  await close(server);
  return port;
}

/** Fail fast with PortInUseError when a fixed port is taken. */
export async function assertPortFree(port: number, service: string): Promise<void> {
  const server = net.createServer();
  await listen(server, port, service);
  await close(server);
}
