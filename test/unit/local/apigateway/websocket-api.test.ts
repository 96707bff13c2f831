import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import WebSocket from "ws";
import { LocalAwsError, type RawAwsRequest } from "../../../../local/runtime/aws-request";
import { startApiGateway, type ApiGatewayLimits, type ApiGatewayOptions, type ApiGatewayServer } from "../../../../local/apigateway/websocket-api";
import { CallCounter, callsOf } from "../../../../local/runtime/call-counter";

// The events are API Gateway's untyped shapes; the tests read them by path.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvent = { requestContext: Record<string, any>; [k: string]: any };

const ALLOW = (resource: string) => ({
  principalId: "user-sub-1",
  policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: resource }] },
  context: { userId: "user-sub-1", tenantId: "tenant1", tokenExpiresAt: 1893456000 },
});

interface Harness {
  gw: ApiGatewayServer;
  events: AnyEvent[];
  authorizerEvents: AnyEvent[];
  authorizeCalls: string[];
  set(fn: Partial<Behaviour>): void;
}
interface Behaviour {
  authorizer: (e: AnyEvent) => Promise<unknown>;
  integration: (e: AnyEvent) => Promise<unknown>;
  refuseManagement: boolean;
}

async function harness(limits?: ApiGatewayLimits, options: Pick<ApiGatewayOptions, "routeResponses" | "calls"> = {}): Promise<Harness> {
  const events: AnyEvent[] = [];
  const authorizerEvents: AnyEvent[] = [];
  const authorizeCalls: string[] = [];
  const behaviour: Behaviour = {
    authorizer: async (e) => ALLOW(e.methodArn),
    integration: async (e) =>
      e.requestContext.routeKey === "$connect" ? { statusCode: 200, headers: { "Sec-WebSocket-Protocol": "app-v1" } } : { statusCode: 200 },
    refuseManagement: false,
  };
  const gw = await startApiGateway({
    stage: "dev",
    apiId: "local",
    region: "us-east-1",
    accountId: "000000000000",
    limits,
    ...options,
    invokeAuthorizer: async (e) => {
      authorizerEvents.push(e as AnyEvent);
      return behaviour.authorizer(e as AnyEvent);
    },
    invokeIntegration: async (e) => {
      events.push(e as AnyEvent);
      return behaviour.integration(e as AnyEvent);
    },
    authorize: async (_req: RawAwsRequest, arn: string) => {
      authorizeCalls.push(arn);
      if (behaviour.refuseManagement) throw new LocalAwsError(403, "AccessDeniedException", "not authorized to perform execute-api:ManageConnections");
    },
  });
  return { gw, events, authorizerEvents, authorizeCalls, set: (b) => Object.assign(behaviour, b) };
}

function connect(url: string, protocols: string[] = ["app-v1", "the-token"]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers: { "User-Agent": "jest-client" } });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => {
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
      res.resume();
    });
    ws.once("error", reject);
  });
}

const nextMessage = (ws: WebSocket) => new Promise<string>((resolve) => ws.once("message", (d) => resolve(d.toString())));
const closed = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("local API Gateway WebSocket", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.gw.close();
  });

  it("sends the REQUEST authorizer event with the real shape", async () => {
    const ws = await connect(`${h.gw.webSocketUrl}?lang=en`);
    const e = h.authorizerEvents[0];
    expect(e.type).toBe("REQUEST");
    expect(e.methodArn).toBe("arn:aws:execute-api:us-east-1:000000000000:local/dev/$connect");
    expect(e.headers["Sec-WebSocket-Protocol"]).toBe("app-v1,the-token");
    expect(e.multiValueHeaders["Sec-WebSocket-Protocol"]).toEqual(["app-v1,the-token"]);
    expect(e.queryStringParameters).toEqual({ lang: "en" });
    expect(e.requestContext).toMatchObject({
      routeKey: "$connect",
      eventType: "CONNECT",
      stage: "dev",
      apiId: "local",
      messageDirection: "IN",
      identity: { sourceIp: "127.0.0.1", userAgent: "jest-client" },
    });
    expect(e.requestContext.connectionId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(typeof e.requestContext.requestId).toBe("string");
    expect(e.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    ws.close();
  });

  it("refuses the upgrade on Deny (403), 'Unauthorized' (401) and a non-2xx $connect (its status)", async () => {
    h.set({ authorizer: async (e) => ({ ...ALLOW(e.methodArn), policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: e.methodArn }] } }) });
    await expect(connect(h.gw.webSocketUrl)).rejects.toMatchObject({ status: 403 });
    h.set({ authorizer: async () => { throw new Error("Unauthorized"); } });
    await expect(connect(h.gw.webSocketUrl)).rejects.toMatchObject({ status: 401 });
    h.set({ authorizer: async () => ALLOW("arn:aws:execute-api:us-east-1:000000000000:other/dev/$connect") });
    await expect(connect(h.gw.webSocketUrl)).rejects.toMatchObject({ status: 403 });
    h.set({ authorizer: async (e) => ALLOW(e.methodArn), integration: async () => ({ statusCode: 401 }) });
    await expect(connect(h.gw.webSocketUrl)).rejects.toMatchObject({ status: 401 });
    expect(h.gw.connectionCount()).toBe(0);
    h.set({ integration: async () => ({ statusCode: 200, headers: { "Sec-WebSocket-Protocol": "app-v1" } }) });
    const ws = await connect(h.gw.webSocketUrl);
    expect(h.gw.connectionCount()).toBe(1);
    ws.close();
  });

  it("answers 401 itself when the identity source (Sec-WebSocket-Protocol) is missing, without invoking the authorizer", async () => {
    await expect(connect(h.gw.webSocketUrl, [])).rejects.toMatchObject({ status: 401 });
    expect(h.authorizerEvents).toEqual([]);
    const ws = await connect(h.gw.webSocketUrl);
    expect(h.authorizerEvents).toHaveLength(1);
    ws.close();
  });

  it("echoes the subprotocol the integration chose, and sends none when it chose none", async () => {
    const ws = await connect(h.gw.webSocketUrl);
    expect(ws.protocol).toBe("app-v1");
    ws.close();
    h.set({ integration: async () => ({ statusCode: 200 }) });
    await expect(connect(h.gw.webSocketUrl)).rejects.toThrow(/subprotocol/);
  });

  it("selects routes on body.action and passes the authorizer context (stringified) on every route", async () => {
    const ws = await connect(h.gw.webSocketUrl);
    ws.send(JSON.stringify({ action: "ask", prompt: "hi" }));
    ws.send(JSON.stringify({ action: "ping" }));
    ws.send("not json");
    await until(() => h.events.length === 4);
    const [connectEvent, ...messages] = h.events;
    expect(messages.map((e) => e.requestContext.routeKey).sort()).toEqual(["$default", "$default", "ask"]);
    for (const e of [connectEvent, ...messages]) {
      expect(e.requestContext.authorizer).toMatchObject({ principalId: "user-sub-1", userId: "user-sub-1", tenantId: "tenant1", tokenExpiresAt: "1893456000" });
    }
    const ask = messages.find((e) => e.requestContext.routeKey === "ask")!;
    expect(ask.body).toBe('{"action":"ask","prompt":"hi"}');
    expect(ask.requestContext).toMatchObject({ eventType: "MESSAGE", connectionId: connectEvent.requestContext.connectionId });
    expect(typeof ask.requestContext.messageId).toBe("string");
    expect(typeof ask.requestContext.requestTimeEpoch).toBe("number");
    ws.close();
  });

  it("invokes $disconnect with the authorizer context when the client closes", async () => {
    const ws = await connect(h.gw.webSocketUrl);
    ws.close(1000, "bye");
    await until(() => h.events.some((e) => e.requestContext.routeKey === "$disconnect"));
    const d = h.events.find((e) => e.requestContext.routeKey === "$disconnect")!;
    expect(d.requestContext).toMatchObject({ eventType: "DISCONNECT", disconnectStatusCode: 1000, disconnectReason: "bye" });
    expect(d.requestContext.authorizer.tenantId).toBe("tenant1");
    await until(() => h.gw.connectionCount() === 0);
  });

  it("closes with 1009 on a frame over 32 KiB but accepts the same bytes in smaller fragments", async () => {
    const ok = await connect(h.gw.webSocketUrl);
    const part = "a".repeat(20 * 1024);
    ok.send(part, { fin: false });
    ok.send(part, { fin: true });
    await until(() => h.events.some((e) => e.requestContext.routeKey === "$default"));
    expect(h.events.find((e) => e.requestContext.routeKey === "$default")!.body).toHaveLength(40 * 1024);
    ok.close();

    const ws = await connect(h.gw.webSocketUrl);
    const done = closed(ws);
    ws.send("b".repeat(33 * 1024));
    expect((await done).code).toBe(1009);
    expect(h.events.filter((e) => e.body?.startsWith("b"))).toHaveLength(0);
  });

  it("closes with 1009 on a message over 128 KiB and 1003 on a binary frame", async () => {
    const ws = await connect(h.gw.webSocketUrl);
    const done = closed(ws);
    for (let i = 0; i < 5; i++) ws.send("c".repeat(30 * 1024), { fin: i === 4 });
    expect((await done).code).toBe(1009);

    const bin = await connect(h.gw.webSocketUrl);
    const binClosed = closed(bin);
    bin.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await binClosed).code).toBe(1003);
  });

  it("sends API Gateway's error message when the integration fails", async () => {
    const ws = await connect(h.gw.webSocketUrl);
    h.set({ integration: async () => { throw new Error("Lambda crashed with secret details"); } });
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ action: "ask" }));
    const body = JSON.parse(await reply);
    expect(body).toEqual({ message: "Internal server error", connectionId: expect.any(String), requestId: expect.any(String) });
    ws.close();
  });

  it("sends nothing back on a route without a route response, whatever the function returns", async () => {
    const ws = await connect(h.gw.webSocketUrl);
    const received: string[] = [];
    ws.on("message", (d) => received.push(d.toString()));
    h.set({ integration: async () => ({ statusCode: 200, body: '{"type":"pong"}' }) });
    ws.send('{"action":"ping"}');
    await until(() => h.events.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([]);
    ws.close();
  });

  it("sends the returned body back on a two-way route only, whatever the status, and counts it as a route response", async () => {
    const calls = new CallCounter();
    const two = await harness(undefined, { routeResponses: ["ask"], calls });
    try {
      const ws = await connect(two.gw.webSocketUrl);
      const received: string[] = [];
      ws.on("message", (d) => received.push(d.toString()));
      two.set({ integration: async () => ({ statusCode: 200, body: '{"type":"accepted","answerId":"a"}' }) });
      ws.send('{"action":"ask"}');
      await until(() => received.length === 1);
      expect(received).toEqual(['{"type":"accepted","answerId":"a"}']);
      // Not a 2xx: the body still goes back (route-response.ts).
      two.set({ integration: async () => ({ statusCode: 500, body: '{"type":"error","code":"internal"}' }) });
      ws.send('{"action":"ask"}');
      await until(() => received.length === 2);
      expect(received[1]).toBe('{"type":"error","code":"internal"}');
      // `$default` has no route response here: nothing back.
      two.set({ integration: async () => ({ statusCode: 200, body: '{"type":"pong"}' }) });
      ws.send('{"action":"ping"}');
      await until(() => two.events.length === 4);
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(2);

      const counts = calls.snapshot();
      expect(callsOf(counts, "apigateway", "RouteResponse")).toBe(2);
      expect(callsOf(counts, "apigateway", "RouteResponse:accepted")).toBe(1);
      expect(callsOf(counts, "apigateway", "RouteResponse:error")).toBe(1);
      expect(counts.apigateway.RouteResponse.bytes).toBe(Buffer.byteLength(received[0]) + Buffer.byteLength(received[1]));
      expect(callsOf(counts, "apigateway", "PostToConnection")).toBe(0);
      ws.close();
    } finally {
      await two.gw.close();
    }
  });

  it("sends an empty frame for a result without a body, and API Gateway's error for a malformed one, on a two-way route", async () => {
    const two = await harness(undefined, { routeResponses: ["$default"] });
    try {
      const ws = await connect(two.gw.webSocketUrl);
      two.set({ integration: async () => ({ statusCode: 200 }) });
      const empty = nextMessage(ws);
      ws.send('{"action":"ping"}');
      expect(await empty).toBe("");
      two.set({ integration: async () => ({ statusCode: 200, body: { type: "pong" } }) });
      const malformed = nextMessage(ws);
      ws.send('{"action":"ping"}');
      expect(JSON.parse(await malformed)).toEqual({ message: "Internal server error", connectionId: expect.any(String), requestId: expect.any(String) });
      ws.close();
    } finally {
      await two.gw.close();
    }
  });

  it("manages connections through the real ApiGatewayManagementApiClient", async () => {
    const ws = await connect(h.gw.webSocketUrl);
    const id = h.events[0].requestContext.connectionId as string;
    const client = new ApiGatewayManagementApiClient({
      region: "us-east-1",
      endpoint: h.gw.managementUrl,
      credentials: { accessKeyId: "AKIDLOCALTEST0000000", secretAccessKey: "secret" },
      maxAttempts: 1,
    });
    try {
      const received = nextMessage(ws);
      await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"type":"pong"}') }));
      expect(await received).toBe('{"type":"pong"}');
      expect(h.authorizeCalls[0]).toBe(`arn:aws:execute-api:us-east-1:000000000000:local/dev/POST/@connections/${id}`);

      const info = await client.send(new GetConnectionCommand({ ConnectionId: id }));
      expect(info.ConnectedAt).toBeInstanceOf(Date);
      expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(info.ConnectedAt!.getTime());
      expect(info.Identity).toEqual({ SourceIp: "127.0.0.1", UserAgent: "jest-client" });

      h.set({ refuseManagement: true });
      await expect(client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from("x") }))).rejects.toMatchObject({
        name: "AccessDeniedException",
        $metadata: { httpStatusCode: 403 },
      });
      h.set({ refuseManagement: false });

      await expect(client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.alloc(129 * 1024, 0x61) }))).rejects.toMatchObject({
        name: "PayloadTooLargeException",
      });

      const gone = closed(ws);
      await client.send(new DeleteConnectionCommand({ ConnectionId: id }));
      await gone;
      await expect(client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from("x") }))).rejects.toMatchObject({
        name: "GoneException",
        $metadata: { httpStatusCode: 410 },
      });
      await expect(client.send(new GetConnectionCommand({ ConnectionId: "bm9zdWNoaWQ=" }))).rejects.toMatchObject({ name: "GoneException" });
    } finally {
      client.destroy();
    }
  });
});

describe("local API Gateway connection time limits", () => {
  it("closes an idle connection with 1001 Going away, and keeps an active one open", async () => {
    const h = await harness({ idleMs: 150 });
    try {
      const idle = await connect(h.gw.webSocketUrl);
      const active = await connect(h.gw.webSocketUrl);
      const idleClosed = closed(idle);
      const keepAlive = setInterval(() => active.send('{"action":"ping"}'), 50);
      expect(await idleClosed).toEqual({ code: 1001, reason: "Going away" });
      // Two idle timeouts more: each message starts the active one's idle time again.
      await new Promise((resolve) => setTimeout(resolve, 300));
      clearInterval(keepAlive);
      expect(active.readyState).toBe(WebSocket.OPEN);
      active.close();
    } finally {
      await h.gw.close();
    }
  });

  it("closes a connection at the maximum connection duration", async () => {
    const h = await harness({ maxConnectionMs: 150 });
    try {
      const ws = await connect(h.gw.webSocketUrl);
      const done = closed(ws);
      const keepAlive = setInterval(() => ws.send('{"action":"ping"}'), 30);
      expect((await done).code).toBe(1001);
      clearInterval(keepAlive);
    } finally {
      await h.gw.close();
    }
  });

  it("times out a slow integration and tells the client", async () => {
    const h = await harness({ integrationTimeoutMs: 100 });
    try {
      const ws = await connect(h.gw.webSocketUrl);
      h.set({ integration: () => new Promise((r) => setTimeout(() => r({ statusCode: 200 }), 1000)) });
      const reply = nextMessage(ws);
      ws.send('{"action":"ask"}');
      expect(JSON.parse(await reply).message).toBe("Internal server error");
      ws.close();
    } finally {
      await h.gw.close();
    }
  });
});
