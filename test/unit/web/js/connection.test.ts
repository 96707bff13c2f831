import {
  createConnection,
  MAX_CONNECTION_MS,
  PING_INTERVAL_MS,
  RENEW_BEFORE_LIMIT_MS,
  RENEW_RECHECK_MS,
  type ConnectionState,
  type SocketLike,
} from "../../../../web/js/connection.js";
import { PONG_DEADLINE_MS, QUIET_MS } from "../../../../web/js/liveness.js";

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  /** Answer every ping with a pong, as the $default route does. */
  static answerPings = true;
  readyState = 0;
  sent: string[] = [];
  closedWith?: [number | undefined, string | undefined];
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onerror: SocketLike["onerror"] = null;
  onclose: SocketLike["onclose"] = null;
  constructor(readonly url: string, readonly protocols: string[]) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
    if (FakeSocket.answerPings && data === '{"action":"ping"}') queueMicrotask(() => this.receive('{"type":"pong"}'));
  }
  close(code?: number, reason?: string) {
    this.closedWith = [code, reason];
    this.drop();
  }
  // Server side of the fake
  accept() {
    this.readyState = 1;
    this.onopen?.();
  }
  refuse() {
    this.readyState = 3;
    this.onerror?.();
    this.onclose?.({ code: 1006 });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  receive(data: string) {
    this.onmessage?.({ data });
  }
}

class FakeTimers {
  private nextId = 1;
  now = 0;
  readonly pending = new Map<number, { fn: () => void; at: number; every?: number }>();
  setTimeout = (fn: () => void, ms: number) => this.add(fn, ms);
  setInterval = (fn: () => void, ms: number) => this.add(fn, ms, ms);
  clearTimeout = (id: unknown) => void this.pending.delete(id as number);
  clearInterval = (id: unknown) => void this.pending.delete(id as number);
  private add(fn: () => void, ms: number, every?: number) {
    const id = this.nextId++;
    this.pending.set(id, { fn, at: this.now + ms, every });
    return id;
  }
  nextDelay(): number | undefined {
    const ats = [...this.pending.values()].map((t) => t.at - this.now);
    return ats.length ? Math.min(...ats) : undefined;
  }
  async advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, t] = due;
      this.now = t.at;
      if (t.every) t.at += t.every;
      else this.pending.delete(id);
      t.fn();
      await flush();
    }
    this.now = end;
    await flush();
  }
}

const flush = () => new Promise((r) => setImmediate(r));
const URL = "wss://api.example.com/dev";

function setup(options: { getToken?: jest.Mock; canRenew?: () => boolean; answerPings?: boolean; awaitingReply?: () => boolean } = {}) {
  FakeSocket.all = [];
  FakeSocket.answerPings = options.answerPings ?? true;
  const timers = new FakeTimers();
  const states: ConnectionState[] = [];
  const messages: unknown[] = [];
  let tokenNumber = 0;
  const getToken = options.getToken ?? jest.fn(async () => `header.token-${++tokenNumber}.sig`);
  const onDrop = jest.fn();
  const onAuthLost = jest.fn();
  const retries: number[] = [];
  const connection = createConnection({
    url: URL,
    protocol: "mta.v1",
    getToken,
    WebSocketImpl: FakeSocket,
    timers,
    random: () => 0,
    onState: (s) => states.push(s),
    onMessage: (d) => messages.push(d),
    onDrop,
    onAuthLost,
    onRetryScheduled: (ms) => retries.push(ms),
    canRenew: options.canRenew,
    awaitingReply: options.awaitingReply,
    now: () => timers.now,
  });
  const latest = () => FakeSocket.all[FakeSocket.all.length - 1];
  return { connection, timers, states, messages, getToken, onDrop, onAuthLost, latest, retries };
}

describe("createConnection", () => {
  it("offers [protocol, idToken] as subprotocols and never puts the token in the URL", async () => {
    const { connection, latest, states } = setup();
    connection.start();
    await flush();
    const socket = latest();
    expect(socket.url).toBe(URL);
    expect(socket.url).not.toContain("token");
    expect(socket.protocols).toEqual(["mta.v1", "header.token-1.sig"]);
    expect(states).toEqual(["connecting"]);
    socket.accept();
    expect(connection.state).toBe("connected");
    expect(states).toEqual(["connecting", "connected"]);
  });

  it("sends JSON only while open and hands frames to onMessage", async () => {
    const { connection, latest, messages } = setup();
    expect(connection.send({ action: "ping" })).toBe(false);
    connection.start();
    await flush();
    expect(connection.send({ action: "ping" })).toBe(false);
    latest().accept();
    expect(connection.send({ action: "ask", prompt: "hi" })).toBe(true);
    expect(latest().sent).toEqual(['{"action":"ask","prompt":"hi"}']);
    latest().receive('{"type":"pong"}');
    expect(messages).toEqual(['{"type":"pong"}']);
  });

  it("pings every 5 minutes so the 10-minute idle timeout never closes the socket", async () => {
    const { connection, latest, timers } = setup();
    connection.start();
    await flush();
    latest().accept();
    await timers.advance(PING_INTERVAL_MS - 1);
    expect(latest().sent).toEqual([]);
    await timers.advance(1);
    expect(latest().sent).toEqual(['{"action":"ping"}']);
    await timers.advance(PING_INTERVAL_MS);
    expect(latest().sent).toHaveLength(2);
  });

  it("reconnects after a drop with growing, jittered delays and a fresh token each time", async () => {
    const { connection, latest, timers, states, onDrop, getToken } = setup();
    connection.start();
    await flush();
    latest().accept();
    latest().drop();
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(connection.state).toBe("reconnecting");
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const delay = timers.nextDelay()!;
      delays.push(delay);
      await timers.advance(delay);
      latest().refuse();
    }
    expect(delays).toEqual([250, 500, 1000, 2000]);
    expect(getToken).toHaveBeenCalledTimes(5);
    // After two refused handshakes the token may be the problem: ask for a refreshed one.
    expect(getToken.mock.calls.map((c) => c[0].forceRefresh)).toEqual([false, false, false, true, true]);
    await timers.advance(timers.nextDelay()!);
    latest().accept();
    expect(connection.state).toBe("connected");
    latest().drop();
    expect(timers.nextDelay()).toBe(250);
    expect(states.filter((s) => s === "connected")).toHaveLength(2);
    expect(onDrop).toHaveBeenCalledTimes(2);
  });

  it("renews with a refreshed token before API Gateway's 2-hour limit, waiting while answers stream", async () => {
    let busy = true;
    const { connection, latest, timers, getToken, onDrop } = setup({ canRenew: () => !busy });
    connection.start();
    await flush();
    const first = latest();
    first.accept();
    await timers.advance(MAX_CONNECTION_MS - RENEW_BEFORE_LIMIT_MS);
    expect(first.closedWith).toBeUndefined();
    busy = false;
    await timers.advance(RENEW_RECHECK_MS);
    expect(first.closedWith).toEqual([1000, "renew"]);
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(FakeSocket.all).toHaveLength(2);
    expect(getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
    latest().accept();
    expect(connection.state).toBe("connected");
  });

  it("renew() reconnects at once with a refreshed token (token_expired from the server)", async () => {
    const { connection, latest, getToken } = setup();
    connection.start();
    await flush();
    latest().accept();
    connection.renew();
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    expect(getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
    expect(latest().protocols[1]).toBe("header.token-2.sig");
  });

  it.each(["expired", "revoked", "signed_out"])("stops for good when the session is gone (%s)", async (code) => {
    const getToken = jest.fn(async () => {
      throw Object.assign(new Error(code), { code });
    });
    const { connection, onAuthLost, timers } = setup({ getToken });
    connection.start();
    await flush();
    expect(connection.state).toBe("disconnected");
    expect(onAuthLost).toHaveBeenCalledTimes(1);
    expect(FakeSocket.all).toHaveLength(0);
    expect(timers.pending.size).toBe(0);
  });

  it("retries when the token cannot be fetched for a passing reason (offline)", async () => {
    let calls = 0;
    const getToken = jest.fn(async () => {
      if (++calls === 1) throw Object.assign(new Error("offline"), { code: "NetworkError" });
      return "h.t.s";
    });
    const { connection, timers, latest } = setup({ getToken });
    connection.start();
    await flush();
    expect(connection.state).toBe("reconnecting");
    await timers.advance(timers.nextDelay()!);
    expect(latest().protocols).toEqual(["mta.v1", "h.t.s"]);
  });

  it("stop() closes the socket, cancels every timer and does not reconnect", async () => {
    const { connection, latest, timers, states } = setup();
    connection.start();
    await flush();
    latest().accept();
    connection.stop();
    expect(latest().closedWith?.[0]).toBe(1000);
    expect(connection.state).toBe("disconnected");
    expect(timers.pending.size).toBe(0);
    await timers.advance(MAX_CONNECTION_MS);
    expect(FakeSocket.all).toHaveLength(1);
    expect(states[states.length - 1]).toBe("disconnected");
  });

  it("stop() during the token fetch opens nothing", async () => {
    let release: (t: string) => void = () => {};
    const getToken = jest.fn(() => new Promise<string>((r) => (release = r)));
    const { connection } = setup({ getToken });
    connection.start();
    connection.stop();
    release("h.t.s");
    await flush();
    expect(FakeSocket.all).toHaveLength(0);
  });

  it("retryNow() skips the backoff wait", async () => {
    const { connection, latest, timers } = setup();
    connection.start();
    await flush();
    latest().refuse();
    expect(timers.nextDelay()).toBe(250);
    expect(connection.retryNow()).toBe(true);
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    expect(timers.pending.size).toBe(0);
    // Nothing is waiting now (an attempt is under way): a second press does nothing.
    expect(connection.retryNow()).toBe(false);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("tells the page each wait, never 10 s or more, and retryNow() starts the backoff over", async () => {
    const { connection, latest, timers, retries } = setup();
    connection.start();
    await flush();
    latest().accept();
    latest().drop();
    for (let i = 0; i < 7; i++) {
      await timers.advance(timers.nextDelay()!);
      latest().refuse();
    }
    expect(retries).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(connection.retryNow()).toBe(true);
    await flush();
    latest().refuse();
    expect(retries[retries.length - 1]).toBe(250);
    expect(connection.retryNow()).toBe(true);
    await flush();
    latest().accept();
    expect(connection.state).toBe("connected");
    expect(connection.retryNow()).toBe(false);
  });
});

describe("createConnection liveness (ping with a deadline, offline/online)", () => {
  it("drops a socket whose ping goes unanswered past the deadline, and reconnects", async () => {
    const { connection, latest, timers, states, onDrop } = setup({ answerPings: false });
    connection.start();
    await flush();
    const first = latest();
    first.accept();
    await timers.advance(PING_INTERVAL_MS);
    expect(first.sent).toEqual(['{"action":"ping"}']);
    await timers.advance(PONG_DEADLINE_MS - 1);
    expect(connection.state).toBe("connected");
    await timers.advance(1);
    // Not "connected" any more: the socket is given up on, even though the browser never closed it.
    expect(first.closedWith).toEqual([4000, "no reply to ping"]);
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(states.slice(-1)).toEqual(["reconnecting"]);
    await timers.advance(timers.nextDelay() ?? 0);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("only the pong answers a ping: other frames before the deadline (sent before the ping arrived) do not", async () => {
    const { connection, latest, timers } = setup({ answerPings: false });
    connection.start();
    await flush();
    const first = latest();
    first.accept();
    await timers.advance(PING_INTERVAL_MS);
    first.receive('{"type":"chunk","answerId":"x","text":"a"}');
    first.receive('{"type":"accepted","answerId":"y"}');
    first.receive('{"type":"chunk","answerId":"x","text":"pong"}');
    await timers.advance(PONG_DEADLINE_MS);
    expect(first.closedWith).toEqual([4000, "no reply to ping"]);
  });

  it("the pong before the deadline keeps the socket", async () => {
    const { connection, latest, timers } = setup({ answerPings: false });
    connection.start();
    await flush();
    latest().accept();
    await timers.advance(PING_INTERVAL_MS);
    latest().receive('{"type":"pong"}');
    await timers.advance(PONG_DEADLINE_MS * 3);
    expect(connection.state).toBe("connected");
  });

  it("pings a quiet socket while an answer is awaited, and only then", async () => {
    let waiting = false;
    const { connection, latest, timers } = setup({ awaitingReply: () => waiting });
    connection.start();
    await flush();
    latest().accept();
    await timers.advance(QUIET_MS * 2);
    expect(latest().sent).toEqual([]);
    waiting = true;
    // The socket has been quiet for long already: the next check (a quarter of QUIET_MS) pings.
    await timers.advance(QUIET_MS / 4);
    expect(latest().sent).toEqual(['{"action":"ping"}']);
    // Answered: quiet again for QUIET_MS before the next one.
    await timers.advance(QUIET_MS - 1);
    expect(latest().sent).toHaveLength(1);
    await timers.advance(QUIET_MS / 4);
    expect(latest().sent).toHaveLength(2);
  });

  it("checkLiveness() pings at once, once while a ping is out", async () => {
    const { connection, latest } = setup({ answerPings: false });
    connection.start();
    await flush();
    latest().accept();
    connection.checkLiveness();
    connection.checkLiveness();
    expect(latest().sent).toEqual(['{"action":"ping"}']);
  });

  it("offline: drops the socket, says offline and does not retry; online: reconnects at once", async () => {
    const { connection, latest, timers, states, onDrop, retries } = setup();
    connection.start();
    await flush();
    const first = latest();
    first.accept();
    connection.setOnline(false);
    expect(first.closedWith).toEqual([4000, "offline"]);
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(connection.state).toBe("offline");
    expect(connection.retryNow()).toBe(false);
    await timers.advance(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(retries).toEqual([]);
    connection.setOnline(true);
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    latest().accept();
    expect(states.slice(-3)).toEqual(["offline", "reconnecting", "connected"]);
  });

  it("a failed attempt while offline waits for online instead of backing off", async () => {
    const { connection, latest, timers, retries } = setup();
    connection.start();
    await flush();
    latest().refuse();
    expect(retries).toHaveLength(1);
    connection.setOnline(false);
    expect(connection.state).toBe("offline");
    await timers.advance(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});
