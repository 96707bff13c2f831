/**
 * A WebSocket client for the stack, as the page connects: subprotocols
 * `[webSocketProtocol, <ID token>]`, JSON text frames. It records EVERY frame it receives
 * (for the leak checks), remembers the answerIds it sent, and pairs questions with their
 * events by answerId.
 */
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { ServerEventSchema } from "../../lambdas/common/protocol";
import type { ServerEvent } from "../../lambdas/common/server-events";
import type { StackOutputs } from "../../local/runtime/stack-outputs";

export interface ConnectionOwner {
  sub: string;
  tenantId: string;
  username: string;
}

export interface ReceivedFrame {
  raw: string;
  event?: ServerEvent;
}

export type ErrorEvent = Extract<ServerEvent, { type: "error" }>;

export interface Answer {
  answerId: string;
  outcome: "done" | "error";
  errorCode?: string;
  errorMessage?: string;
  /** The chunks joined. */
  text: string;
  statuses: string[];
  /** Every event carrying the answerId, in order, the done or error event last. */
  events: ServerEvent[];
}

export interface AskOptions {
  conversationId?: string;
  answerId?: string;
  timeoutMs?: number;
}

export class UpgradeRefusedError extends Error {
  readonly code = "upgrade_refused";
  constructor(readonly status: number | undefined, detail: string) {
    super(`WebSocket upgrade refused (${status ?? "no status"}): ${detail}`);
    this.name = "UpgradeRefusedError";
  }
}

export class NoTerminalEventError extends Error {
  readonly code = "no_terminal_event";
  constructor(answerId: string, timeoutMs: number) {
    super(`no done/error event for ${answerId} within ${timeoutMs} ms (I9)`);
    this.name = "NoTerminalEventError";
  }
}

/** Every connection this test file opened, for the leak checks. */
export const openedConnections: StackConnection[] = [];

export function newId(): string {
  return randomBytes(9).toString("base64url").replace(/[_]/g, "-");
}

export function answerIdFor(sub: string): string {
  return `${sub}.${newId()}`;
}

type Listener = (frame: ReceivedFrame) => void;

export class StackConnection {
  readonly frames: ReceivedFrame[] = [];
  /** answerIds this client put in its own frames (an error may legitimately echo them). */
  readonly sentAnswerIds = new Set<string>();
  closeInfo?: { code: number; reason: string };
  private listeners = new Set<Listener>();
  private closedPromise: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly socket: WebSocket,
    readonly owner: ConnectionOwner | undefined,
  ) {
    socket.on("message", (data, isBinary) => {
      const raw = isBinary ? `<binary ${Buffer.from(data as Buffer).length} bytes>` : data.toString();
      let event: ServerEvent | undefined;
      try {
        const parsed = ServerEventSchema.safeParse(JSON.parse(raw));
        if (parsed.success) event = parsed.data;
      } catch {
        // kept raw: the leak checks read raw text
      }
      const frame = { raw, event };
      this.frames.push(frame);
      for (const listener of this.listeners) listener(frame);
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
      }),
    );
  }

  /**
   * Opens a connection offering exactly `subprotocols`; rejects with UpgradeRefusedError
   * when the stack refuses the upgrade. See connectAs for the page's way.
   */
  static open(
    url: string,
    subprotocols: string[],
    owner?: ConnectionOwner,
    options: { timeoutMs?: number; query?: string; headers?: Record<string, string> } = {},
  ): Promise<StackConnection> {
    const target = options.query ? `${url}${url.includes("?") ? "&" : "?"}${options.query}` : url;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(target, subprotocols, {
        perMessageDeflate: false,
        handshakeTimeout: options.timeoutMs ?? 15_000,
        ...(options.headers ? { headers: options.headers } : {}),
      });
      const fail = (error: Error) => {
        socket.removeAllListeners();
        socket.on("error", () => undefined);
        socket.terminate();
        reject(error);
      };
      socket.once("unexpected-response", (_req, res) => {
        res.resume();
        fail(new UpgradeRefusedError(res.statusCode, res.statusMessage ?? ""));
      });
      socket.once("error", (error) => fail(new UpgradeRefusedError(undefined, error.message)));
      const connection = new StackConnection(socket, owner);
      socket.once("open", () => {
        socket.removeAllListeners("unexpected-response");
        socket.removeAllListeners("error");
        socket.on("error", () => undefined);
        openedConnections.push(connection);
        resolve(connection);
      });
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  sendRaw(data: string | Buffer, options: { fin?: boolean; binary?: boolean } = {}): void {
    const text = data.toString();
    for (const match of text.matchAll(/"answerId"\s*:\s*"([^"]{1,200})"/g)) this.sentAnswerIds.add(match[1]);
    this.socket.send(data, { fin: options.fin ?? true, binary: options.binary ?? false });
  }

  send(message: unknown): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** The next frame (received after this call) matching `predicate`. */
  waitFor(predicate: (frame: ReceivedFrame) => boolean, timeoutMs = 15_000, label = "frame"): Promise<ReceivedFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}`));
      }, timeoutMs).unref();
      const listener: Listener = (frame) => {
        if (!predicate(frame)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(frame);
      };
      this.listeners.add(listener);
    });
  }

  /** Every event carrying `answerId`, until done or error; rejects if none arrives (I9). */
  collect(answerId: string, timeoutMs = 30_000): Promise<Answer> {
    const events: ServerEvent[] = [];
    return new Promise((resolve, reject) => {
      const finish = (answer: Answer) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(answer);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new NoTerminalEventError(answerId, timeoutMs));
      }, timeoutMs).unref();
      const listener: Listener = ({ event }) => {
        if (!event || !("answerId" in event) || event.answerId !== answerId) return;
        events.push(event);
        if (event.type !== "done" && event.type !== "error") return;
        // Every chunk, then the answer's last text that rides in `done` (all of a one-line answer).
        const text = events.map((e) => (e.type === "chunk" || (e.type === "done" && e.text !== undefined) ? e.text : "")).join("");
        const statuses = events.flatMap((e) => (e.type === "status" ? [e.text] : []));
        finish(
          event.type === "done"
            ? { answerId, outcome: "done", text, statuses, events }
            : { answerId, outcome: "error", errorCode: event.code, errorMessage: event.message, text, statuses, events },
        );
      };
      this.listeners.add(listener);
    });
  }

  /** Sends an ask frame and waits for its done or error event. */
  ask(prompt: string, options: AskOptions = {}): Promise<Answer> {
    if (!this.owner && !options.answerId) throw new Error("ask needs an owner or an explicit answerId");
    const answerId = options.answerId ?? answerIdFor(this.owner!.sub);
    const collected = this.collect(answerId, options.timeoutMs);
    this.send({ action: "ask", answerId, conversationId: options.conversationId ?? newId(), prompt });
    return collected;
  }

  /** Sends a frame and waits for the first error event after it (for frames without a usable answerId). */
  async expectError(frame: string | Buffer, timeoutMs = 15_000): Promise<ErrorEvent> {
    const next = this.waitFor((f) => f.event?.type === "error", timeoutMs, "an error event");
    this.sendRaw(frame);
    return (await next).event as ErrorEvent;
  }

  /** Sends a `renew` frame with `idToken`; resolves with the `renewed` or `error` event that answers it. */
  async renew(idToken: string, timeoutMs = 15_000): Promise<Extract<ServerEvent, { type: "renewed" | "error" }>> {
    const next = this.waitFor(
      (f) => f.event?.type === "renewed" || (f.event?.type === "error" && f.event.answerId === undefined),
      timeoutMs,
      "renewed or error",
    );
    this.send({ action: "renew", token: idToken });
    return (await next).event as Extract<ServerEvent, { type: "renewed" | "error" }>;
  }

  async ping(timeoutMs = 15_000): Promise<void> {
    const next = this.waitFor((f) => f.event?.type === "pong", timeoutMs, "pong");
    this.send({ action: "ping" });
    await next;
  }

  /** Resolves with the close code once the server (or we) closed the connection. */
  closed(timeoutMs = 15_000): Promise<{ code: number; reason: string }> {
    return Promise.race([
      this.closedPromise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`connection not closed within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(1000);
    await Promise.race([this.closedPromise, new Promise((r) => setTimeout(r, 2000).unref())]);
    if ((this.socket.readyState as number) !== WebSocket.CLOSED) this.socket.terminate();
  }
}

/**
 * Connects as the page does: `[webSocketProtocol, user.idToken]`, or the app protocol
 * alone without a user (which the stack must refuse).
 */
export function connectAs(
  outputs: StackOutputs,
  user: (ConnectionOwner & { idToken: string }) | undefined,
  options: { query?: string } = {},
): Promise<StackConnection> {
  const subprotocols = user ? [outputs.webSocketProtocol, user.idToken] : [outputs.webSocketProtocol];
  return StackConnection.open(outputs.webSocketUrl, subprotocols, user, options);
}

export async function closeAll(): Promise<void> {
  await Promise.all(openedConnections.map((c) => c.close().catch(() => undefined)));
}
