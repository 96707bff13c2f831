/**
 * lambdas/chat/agent-request-handler.ts: the answer step's agent client keeps one HTTP/2
 * connection for its InvokeAgent calls (event streams included), and opens a new one after
 * an idle longer than its bound; against a real node:http2 server on loopback.
 */
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { NodeHttp2Handler } from "@smithy/node-http-handler";
import { HttpRequest } from "@smithy/protocol-http";
import { AgentRequestHandler, MAX_IDLE_MS } from "../../../../lambdas/chat/agent-request-handler";
import { createAnswerClients } from "../../../../lambdas/chat/answer-clients";
import { CONFIG } from "./fixtures";

let server: http2.Http2Server;
let port: number;
let sessions = 0;

beforeAll(async () => {
  server = http2.createServer();
  server.on("session", () => {
    sessions += 1;
  });
  server.on("stream", (stream) => {
    stream.respond({ ":status": 200, "content-type": "application/vnd.amazon.eventstream" });
    stream.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  sessions = 0;
});

/** One InvokeAgent-like call (an event stream), its body read to the end. */
async function call(handler: NodeHttp2Handler): Promise<string> {
  const request = new HttpRequest({ protocol: "http:", hostname: "127.0.0.1", port, method: "POST", path: "/agents/a/agentAliases/b/sessions/c/text", headers: {}, body: "{}" });
  const { response } = await handler.handle(request, { isEventStream: true });
  let text = "";
  for await (const piece of response.body as AsyncIterable<Buffer>) text += piece.toString();
  return text;
}

describe("AgentRequestHandler", () => {
  it("keeps one connection for successive agent calls of an environment, event streams included", async () => {
    const handler = new AgentRequestHandler();
    try {
      for (let i = 0; i < 3; i++) expect(await call(handler)).toBe("ok");
      expect(sessions).toBe(1);
    } finally {
      handler.destroy();
    }
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
