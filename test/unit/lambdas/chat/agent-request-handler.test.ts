/**
 * lambdas/chat/agent-request-handler.ts: the answer step's agent client keeps one HTTP/2
 * connection for its InvokeAgent calls (event streams included), opens a new one after an
 * idle longer than its bound, and sends a request again, once, on a new connection only
 * when the peer certainly never processed it; against a real node:http2 server on loopback.
 */
import * as http2 from "node:http2";
import { createRequire } from "node:module";
import type { AddressInfo, Socket } from "node:net";
import { NodeHttp2Handler } from "@smithy/node-http-handler";
import { HttpRequest } from "@smithy/protocol-http";
import { AgentRequestHandler, certainlyUnprocessed, MAX_IDLE_MS } from "../../../../lambdas/chat/agent-request-handler";
import { createAnswerClients } from "../../../../lambdas/chat/answer-clients";
import { CONFIG } from "./fixtures";

const { NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM, NGHTTP2_INTERNAL_ERROR, NGHTTP2_ENHANCE_YOUR_CALM } = http2.constants;

/** What the server does with a stream; the default answers "ok". */
type Behaviour = (stream: http2.ServerHttp2Stream, socket: Socket) => void;
const answerOk: Behaviour = (stream) => {
  stream.respond({ ":status": 200, "content-type": "application/vnd.amazon.eventstream" });
  stream.end("ok");
};

let server: http2.Http2Server;
let port: number;
let sessions = 0;
let streams = 0;
/** Every session's TCP socket (the last is the newest) and every session, to end them. */
const rawSockets: Socket[] = [];
const openSessions = new Set<http2.ServerHttp2Session>();
/** The behaviours of the next streams, in order; then answerOk. */
let plan: Behaviour[] = [];

beforeAll(async () => {
  server = http2.createServer();
  server.on("connection", (socket: Socket) => rawSockets.push(socket));
  server.on("session", (session) => {
    sessions += 1;
    openSessions.add(session);
    session.on("close", () => openSessions.delete(session));
    session.on("error", () => undefined);
  });
  server.on("stream", (stream) => {
    streams += 1;
    stream.on("error", () => undefined);
    (plan.shift() ?? answerOk)(stream, rawSockets[rawSockets.length - 1]!);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const session of openSessions) session.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  sessions = 0;
  streams = 0;
  plan = [];
});

function agentRequest(toPort = port): HttpRequest {
  return new HttpRequest({ protocol: "http:", hostname: "127.0.0.1", port: toPort, method: "POST", path: "/agents/a/agentAliases/b/sessions/c/text", headers: {}, body: "{}" });
}

/** One InvokeAgent-like call (an event stream), its body read to the end. */
async function call(handler: NodeHttp2Handler): Promise<string> {
  const { response } = await handler.handle(agentRequest(), { isEventStream: true });
  let text = "";
  for await (const piece of response.body as AsyncIterable<Buffer>) text += piece.toString();
  return text;
}

/** The handler, destroyed after `body` whatever happens. */
async function withHandler<T>(body: (handler: AgentRequestHandler) => Promise<T>): Promise<T> {
  const handler = new AgentRequestHandler();
  try {
    return await body(handler);
  } finally {
    handler.destroy();
  }
}

describe("AgentRequestHandler", () => {
  it("keeps one connection for successive agent calls of an environment, event streams included", async () => {
    await withHandler(async (handler) => {
      for (let i = 0; i < 3; i++) expect(await call(handler)).toBe("ok");
      expect(sessions).toBe(1);
    });
  });

  it("opens a new connection after an idle longer than its bound (a frozen environment's may be dead)", async () => {
    let clock = 1_000_000;
    const handler = new AgentRequestHandler(() => clock);
    try {
      await call(handler);
      clock += MAX_IDLE_MS;
      await call(handler);
      expect(sessions).toBe(1);
      clock += MAX_IDLE_MS + 1;
      await call(handler);
      expect(sessions).toBe(2);
    } finally {
      handler.destroy();
    }
  });

  it("is what the SDK's default is not: a new connection per event-stream call", async () => {
    const handler = new NodeHttp2Handler({ disableConcurrentStreams: true });
    try {
      await call(handler);
      await call(handler);
      expect(sessions).toBe(2);
    } finally {
      handler.destroy();
    }
  });

  it("is the answer step's agent client's handler", () => {
    const { agent } = createAnswerClients(CONFIG);
    expect(agent.config.requestHandler).toBeInstanceOf(AgentRequestHandler);
    agent.destroy();
  });
});

describe("AgentRequestHandler when the peer closes the kept connection", () => {
  it("a GOAWAY that crossed the next request (last stream id below it): the answer comes on a new connection", async () => {
    plan = [answerOk, (stream) => stream.session!.goaway(NGHTTP2_NO_ERROR, stream.id! - 2)];
    await withHandler(async (handler) => {
      expect(await call(handler)).toBe("ok");
      expect(await call(handler)).toBe("ok");
    });
    expect(streams).toBe(3);
    expect(sessions).toBe(2);
  });

  it("a stream refused with REFUSED_STREAM: sent again on a new connection", async () => {
    plan = [answerOk, (stream) => stream.close(NGHTTP2_REFUSED_STREAM)];
    await withHandler(async (handler) => {
      await call(handler);
      expect(await call(handler)).toBe("ok");
    });
    expect(streams).toBe(3);
    expect(sessions).toBe(2);
  });

  it("a session the peer closed after the last answer: the next call opens a new one", async () => {
    plan = [
      (stream, socket) => {
        const session = stream.session!;
        answerOk(stream, socket);
        stream.on("close", () => session.close());
      },
    ];
    await withHandler(async (handler) => {
      await call(handler);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await call(handler)).toBe("ok");
    });
    expect(streams).toBe(2);
    expect(sessions).toBe(2);
  });

  it("a connect error (nothing was written): sent again on a new connection", async () => {
    // The SDK's handler calls node:http2's connect; the first connect goes to a closed port.
    const http2Module = createRequire(__filename)("node:http2") as typeof http2;
    const realConnect = http2Module.connect;
    const closedPort = await new Promise<number>((resolve) => {
      const probe = http2.createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const connect = jest
      .spyOn(http2Module, "connect")
      .mockImplementationOnce(() => realConnect(`http://127.0.0.1:${closedPort}`));
    try {
      await withHandler(async (handler) => expect(await call(handler)).toBe("ok"));
      expect(connect).toHaveBeenCalledTimes(2);
      expect(streams).toBe(1);
    } finally {
      connect.mockRestore();
    }
  });

  it("sends again once only: refused twice, the call fails", async () => {
    const refuse: Behaviour = (stream) => stream.close(NGHTTP2_REFUSED_STREAM);
    plan = [refuse, refuse, refuse];
    await withHandler(async (handler) => {
      await expect(call(handler)).rejects.toMatchObject({ code: "ERR_HTTP2_STREAM_ERROR" });
    });
    expect(streams).toBe(2);
  });

  it.each([
    ["an internal error", NGHTTP2_INTERNAL_ERROR],
    ["REFUSED_STREAM (too late to mean it)", NGHTTP2_REFUSED_STREAM],
  ])("never after the response's headers: headers, a byte, then a reset with %s is not sent again", async (_name, code) => {
    plan = [
      (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/vnd.amazon.eventstream" });
        stream.write("x");
        setTimeout(() => stream.close(code), 20);
      },
    ];
    await withHandler(async (handler) => {
      const outcome = await call(handler).catch((error: unknown) => error);
      expect(outcome).not.toBe("ok");
    });
    expect(streams).toBe(1);
  });

  it.each<[string, Behaviour]>([
    ["the socket closed after the request was written", (_stream, socket) => socket.destroy()],
    ["a GOAWAY with an error code (Node does not say which streams it covers)", (stream) => stream.session!.goaway(NGHTTP2_ENHANCE_YOUR_CALM, stream.id! - 2)],
    ["a GOAWAY whose last stream id is the request's own", (stream) => stream.session!.goaway(NGHTTP2_INTERNAL_ERROR, stream.id!)],
    ["a reset with an internal error before any response", (stream) => stream.close(NGHTTP2_INTERNAL_ERROR)],
  ])("not when the agent may have started: %s fails the call", async (_name, behaviour) => {
    plan = [behaviour];
    await withHandler(async (handler) => {
      await expect(call(handler)).rejects.toThrow();
    });
    expect(streams).toBe(1);
  });

  it("not after an abort (the asker's stop)", async () => {
    const aborted = new AbortController();
    aborted.abort();
    await withHandler(async (handler) => {
      await expect(handler.handle(agentRequest(), { abortSignal: aborted.signal })).rejects.toMatchObject({ name: "AbortError" });
    });
    expect(sessions).toBe(0);
  });
});

describe("certainlyUnprocessed", () => {
  /** The error a real client session throws when asked for a stream after `end` was called on it. */
  async function requestAfter(end: (session: http2.ClientHttp2Session) => void): Promise<unknown> {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", () => undefined);
    await new Promise((resolve) => session.once("connect", resolve));
    end(session);
    try {
      session.request({ ":method": "POST", ":path": "/" });
      return undefined;
    } catch (error) {
      return error;
    } finally {
      session.destroy();
    }
  }

  it("is true for a session already closed or destroyed when the request was to be written (Node's own errors)", async () => {
    const closed = await requestAfter((session) => session.close());
    const destroyed = await requestAfter((session) => session.destroy());
    expect(closed).toMatchObject({ code: "ERR_HTTP2_GOAWAY_SESSION" });
    expect(destroyed).toMatchObject({ code: "ERR_HTTP2_INVALID_SESSION" });
    expect(certainlyUnprocessed(closed)).toBe(true);
    expect(certainlyUnprocessed(destroyed)).toBe(true);
  });

  it("is true for a refused stream and a stream cancelled before its session connected", () => {
    expect(certainlyUnprocessed(Object.assign(new Error("Stream closed with error code NGHTTP2_REFUSED_STREAM"), { code: "ERR_HTTP2_STREAM_ERROR" }))).toBe(true);
    expect(certainlyUnprocessed(Object.assign(new Error("The pending stream has been canceled"), { code: "ERR_HTTP2_STREAM_CANCEL" }))).toBe(true);
  });

  it.each<[string, unknown]>([
    ["another reset code", Object.assign(new Error("Stream closed with error code NGHTTP2_INTERNAL_ERROR"), { code: "ERR_HTTP2_STREAM_ERROR" })],
    ["a session error (GOAWAY with an error code)", Object.assign(new Error("Session closed with error code 11"), { code: "ERR_HTTP2_SESSION_ERROR" })],
    ["a reset connection", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["a broken pipe", Object.assign(new Error("write EPIPE"), { code: "EPIPE" })],
    ["no response", Object.assign(new Error("Unexpected error: http2 request did not get a response"), { name: "TimeoutError" })],
    ["an abort", Object.assign(new Error("Request aborted"), { name: "AbortError" })],
    ["a service error", Object.assign(new Error("throttled"), { name: "ThrottlingException" })],
    ["a refusal without its message", { code: "ERR_HTTP2_STREAM_ERROR" }],
    ["nothing", undefined],
  ])("is false for %s", (_name, error) => {
    expect(certainlyUnprocessed(error)).toBe(false);
  });
});
