/**
 * A WebSocket client as the page uses it: subprotocols [APP_PROTOCOL, idToken], JSON
 * frames, events collected per answerId. Reused by the red-team suite.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { ServerEventSchema, type ServerEvent } from "../../../lambdas/shared/protocol";
import type { StackOutputs } from "../../../scripts/stack-outputs";

export interface ConnectResult {
  socket: WebSocket;
  /** The subprotocol the server selected. */
  protocol: string;
}

export class ConnectRefusedError extends Error {
  constructor(readonly status: number | undefined, message: string) {
    super(message);
    this.name = "ConnectRefusedError";
  }
}

/** Open a connection; resolves on open, rejects with the HTTP status of a refused upgrade. */
export function connect(outputs: StackOutputs, idToken: string | undefined, protocols?: string[]): Promise<ConnectResult> {
  const offered = protocols ?? (idToken === undefined ? [outputs.webSocketProtocol] : [outputs.webSocketProtocol, idToken]);
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(outputs.webSocketUrl, offered);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new ConnectRefusedError(undefined, "connect timed out"));
    }, 15_000);
    socket.once("open", () => {
      clearTimeout(timer);
      resolve({ socket, protocol: socket.protocol });
    });
    socket.once("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      res.resume();
      socket.terminate();
      reject(new ConnectRefusedError(res.statusCode, `upgrade refused with HTTP ${res.statusCode}`));
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error instanceof ConnectRefusedError ? error : new ConnectRefusedError(undefined, error.message));
    });
  });
}

/** Every event the socket receives, in order, parsed against the protocol schema. */
export class EventLog {
  readonly events: ServerEvent[] = [];
  private waiters: { test(e: ServerEvent): boolean; resolve(e: ServerEvent): void }[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const parsed = ServerEventSchema.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) throw new Error(`server sent a frame outside the protocol: ${data.toString().slice(0, 200)}`);
      this.events.push(parsed.data);
      this.waiters = this.waiters.filter((w) => (w.test(parsed.data) ? (w.resolve(parsed.data), false) : true));
    });
  }

  forAnswer(answerId: string): ServerEvent[] {
    return this.events.filter((e) => "answerId" in e && e.answerId === answerId);
  }

  waitFor(test: (e: ServerEvent) => boolean, timeoutMs = 20_000): Promise<ServerEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events).slice(0, 500)}`)), timeoutMs);
      this.waiters.push({ test, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }
}

export interface AskOptions {
  conversationId?: string;
  answerId?: string;
  timeoutMs?: number;
}

export interface Answer {
  answerId: string;
  events: ServerEvent[];
  /** The chunks joined. */
  text: string;
  final: ServerEvent;
}

export function newAnswerId(sub: string): string {
  return `${sub}.${randomUUID().replace(/-/g, "").slice(0, 20)}`;
}

/** Send one question and collect its events until `done` or `error`. */
export async function ask(log: EventLog, sub: string, prompt: string, options: AskOptions = {}): Promise<Answer> {
  const answerId = options.answerId ?? newAnswerId(sub);
  const conversationId = options.conversationId ?? randomUUID().slice(0, 8);
  log.socket.send(JSON.stringify({ action: "ask", answerId, conversationId, prompt }));
  const final = await log.waitFor(
    (e) => (e.type === "done" || e.type === "error") && "answerId" in e && e.answerId === answerId,
    options.timeoutMs ?? 30_000,
  );
  const events = log.forAnswer(answerId);
  const text = events.map((e) => (e.type === "chunk" ? e.text : "")).join("");
  return { answerId, events, text, final };
}

/** A signed-in user's open connection with its event log. */
export async function openSession(outputs: StackOutputs, idToken: string): Promise<EventLog> {
  const { socket } = await connect(outputs, idToken);
  return new EventLog(socket);
}

export function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once("close", () => resolve());
    socket.close();
    setTimeout(() => {
      socket.terminate();
      resolve();
    }, 2000).unref();
  });
}
