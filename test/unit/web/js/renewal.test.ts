/**
 * web/js/renewal.js: a `renew` frame with the fresh ID token after every refresh, and only
 * then; the server's reply decides: `renewed` settles it, a refusal ends the session, no
 * reply reconnects.
 */
import { createRenewal, endsSession, renewalReply, renewFrame, RENEWAL_REPLY_TIMEOUT_MS } from "../../../../web/js/renewal.js";

type Listener = (user: { sub: string } | null, reason: string) => void;

function fakeSession(token = "fresh.id.token") {
  const listeners = new Set<Listener>();
  return {
    listeners,
    getIdToken: jest.fn(async () => token),
    onChange: (listener: Listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(user: { sub: string } | null, reason: string) {
      for (const listener of listeners) listener(user, reason);
    },
  };
}

/** Timers a test fires by hand. */
function fakeTimers() {
  const scheduled = new Map<number, () => void>();
  let next = 1;
  return {
    scheduled,
    setTimeout: (fn: () => void) => {
      scheduled.set(next, fn);
      return next++;
    },
    clearTimeout: (id: unknown) => {
      scheduled.delete(id as number);
    },
    fireAll() {
      const due = [...scheduled.values()];
      scheduled.clear();
      for (const fn of due) fn();
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

function setUp({ sent = true } = {}) {
  const session = fakeSession();
  const timers = fakeTimers();
  const send = jest.fn(() => sent);
  const onEnded = jest.fn();
  const onUnanswered = jest.fn();
  const renewal = createRenewal({ session: session as never, send, onEnded, onUnanswered, timers });
  return { session, timers, send, onEnded, onUnanswered, renewal };
}

async function renewed(s: ReturnType<typeof setUp>) {
  s.session.emit({ sub: "u" }, "refreshed");
  await flush();
}

describe("renewFrame", () => {
  it("is the protocol's renew frame, nothing more", () => {
    expect(renewFrame("a.b.c")).toEqual({ action: "renew", token: "a.b.c" });
  });
});

describe("renewalReply", () => {
  it("reads renewed, the refusals that end a session, and token_expired", () => {
    expect(renewalReply('{"type":"renewed","expiresAt":1700000000}')).toEqual({ kind: "renewed", expiresAt: 1700000000 });
    expect(renewalReply('{"type":"error","code":"session_ended","message":"m"}')).toEqual({ kind: "ended", code: "session_ended" });
    expect(renewalReply('{"type":"error","code":"forbidden","message":"m"}')).toEqual({ kind: "ended", code: "forbidden" });
    expect(renewalReply('{"type":"error","code":"token_expired","message":"m"}')).toEqual({ kind: "expired" });
  });

  it("is no reply for anything else: an answer's events and errors, other errors, pongs, junk", () => {
    for (const frame of [
      '{"type":"error","answerId":"s.a","code":"session_ended","message":"m"}',
      '{"type":"error","code":"bad_request","message":"m"}',
      '{"type":"renewed"}',
      '{"type":"pong"}',
      '{"type":"chunk","answerId":"s.a","text":"renewed"}',
      "not json",
      "null",
      42,
    ]) {
      expect(renewalReply(frame)).toBeNull();
    }
  });
});

describe("createRenewal", () => {
  it("sends the refreshed ID token after a refresh and waits for the reply", async () => {
    const s = setUp();
    await renewed(s);
    expect(s.send).toHaveBeenCalledWith({ action: "renew", token: "fresh.id.token" });
    expect(s.timers.scheduled.size).toBe(1);
  });

  it("sends nothing on sign-in, restore or sign-out, nor after stopping", async () => {
    const s = setUp();
    s.session.emit({ sub: "u" }, "signed_in");
    s.session.emit({ sub: "u" }, "restored");
    s.session.emit(null, "signed_out");
    s.renewal.stop();
    await renewed(s);
    expect(s.send).not.toHaveBeenCalled();
  });

  it("sends nothing when the session ended before the token was read", async () => {
    const s = setUp();
    s.session.getIdToken.mockRejectedValueOnce(new Error("signed out"));
    await renewed(s);
    expect(s.send).not.toHaveBeenCalled();
  });

  it("waits for nothing when no connection took the frame", async () => {
    const s = setUp({ sent: false });
    await renewed(s);
    expect(s.timers.scheduled.size).toBe(0);
  });

  it("settles on renewed: no sign-out, no reconnect", async () => {
    const s = setUp();
    await renewed(s);
    s.renewal.handleFrame('{"type":"pong"}');
    s.renewal.handleFrame('{"type":"renewed","expiresAt":1700000000}');
    s.timers.fireAll();
    expect(s.onEnded).not.toHaveBeenCalled();
    expect(s.onUnanswered).not.toHaveBeenCalled();
  });

  it.each(["session_ended", "forbidden"])("ends the session when the renewal is refused with %s", async (code) => {
    const s = setUp();
    await renewed(s);
    s.renewal.handleFrame(JSON.stringify({ type: "error", code, message: "m" }));
    expect(s.onEnded).toHaveBeenCalledWith(code);
    s.timers.fireAll();
    expect(s.onUnanswered).not.toHaveBeenCalled();
  });

  it("leaves token_expired to the chat's reconnect (the session is fine)", async () => {
    const s = setUp();
    await renewed(s);
    s.renewal.handleFrame('{"type":"error","code":"token_expired","message":"m"}');
    s.timers.fireAll();
    expect(s.onEnded).not.toHaveBeenCalled();
    expect(s.onUnanswered).not.toHaveBeenCalled();
  });

  it("reconnects when no reply comes within the deadline", async () => {
    const s = setUp();
    await renewed(s);
    expect(RENEWAL_REPLY_TIMEOUT_MS).toBe(10_000);
    s.timers.fireAll();
    expect(s.onUnanswered).toHaveBeenCalledTimes(1);
    expect(s.onEnded).not.toHaveBeenCalled();
  });

  it("ignores replies when no renewal is pending (another frame's forbidden ends nothing)", async () => {
    const s = setUp();
    s.renewal.handleFrame('{"type":"error","code":"forbidden","message":"m"}');
    await renewed(s);
    s.renewal.handleFrame('{"type":"renewed","expiresAt":1}');
    s.renewal.handleFrame('{"type":"error","code":"forbidden","message":"m"}');
    expect(s.onEnded).not.toHaveBeenCalled();
  });

  it("ends the session on session_ended in reply to an ask too (offboarded after the token was issued, I17)", () => {
    const s = setUp();
    s.renewal.handleFrame('{"type":"error","answerId":"s.a","code":"session_ended","message":"m"}');
    expect(s.onEnded).toHaveBeenCalledWith("session_ended");
    expect(endsSession('{"type":"error","code":"session_ended","message":"m"}')).toBe(true);
    for (const other of ['{"type":"error","answerId":"s.a","code":"forbidden","message":"m"}', '{"type":"chunk","answerId":"s.a","text":"session_ended"}', "session_ended", 7]) {
      expect(endsSession(other)).toBe(false);
    }
  });

  it("forgets a pending renewal when the connection closes or the user signs out", async () => {
    const s = setUp();
    await renewed(s);
    s.renewal.connectionChanged();
    s.timers.fireAll();
    await renewed(s);
    s.session.emit(null, "signed_out");
    s.timers.fireAll();
    s.renewal.handleFrame('{"type":"error","code":"forbidden","message":"m"}');
    expect(s.onUnanswered).not.toHaveBeenCalled();
    expect(s.onEnded).not.toHaveBeenCalled();
  });
});
