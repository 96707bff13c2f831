// Types for connection.js.
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";
export declare const CONNECTION_STATES: readonly ConnectionState[];
export declare const PING_INTERVAL_MS: number;
export declare const MAX_CONNECTION_MS: number;
export declare const RENEW_BEFORE_LIMIT_MS: number;
export declare const RENEW_RECHECK_MS: number;
export declare const FORCE_REFRESH_AFTER_FAILURES: number;
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event?: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event?: unknown) => void) | null;
  onclose: ((event?: unknown) => void) | null;
}
export interface ConnectionTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
}
export interface Connection {
  readonly state: ConnectionState;
  start(): void;
  stop(): void;
  retryNow(): boolean;
  renew(): void;
  send(message: unknown): boolean;
}
export declare function createConnection(options: {
  url: string;
  protocol: string;
  getToken(options: { forceRefresh: boolean }): Promise<string>;
  WebSocketImpl?: new (url: string, protocols: string[]) => SocketLike;
  timers?: ConnectionTimers;
  random?: () => number;
  onState?: (state: ConnectionState) => void;
  onMessage?: (data: unknown) => void;
  onDrop?: () => void;
  onAuthLost?: (error: Error) => void;
  onRetryScheduled?: (delayMs: number) => void;
  canRenew?: () => boolean;
  pingIntervalMs?: number;
  maxConnectionMs?: number;
  renewBeforeLimitMs?: number;
}): Connection;
