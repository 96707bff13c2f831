/** web/js/renewal.js: a `renew` frame with the fresh ID token after every refresh, and only then. */
import { renewFrame, renewOnRefresh } from "../../../../web/js/renewal.js";

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

const flush = () => new Promise((r) => setImmediate(r));

describe("renewFrame", () => {
  it("is the protocol's renew frame, nothing more", () => {
    expect(renewFrame("a.b.c")).toEqual({ action: "renew", token: "a.b.c" });
  });
});

describe("renewOnRefresh", () => {
  it("sends the refreshed ID token after a refresh", async () => {
    const session = fakeSession();
    const send = jest.fn(() => true);
    renewOnRefresh({ session: session as never, send });
    session.emit({ sub: "u" }, "refreshed");
    await flush();
    expect(send).toHaveBeenCalledWith({ action: "renew", token: "fresh.id.token" });
  });

  it("sends nothing on sign-in, restore or sign-out, nor after unsubscribing", async () => {
    const session = fakeSession();
    const send = jest.fn(() => true);
    const stop = renewOnRefresh({ session: session as never, send });
    session.emit({ sub: "u" }, "signed_in");
    session.emit({ sub: "u" }, "restored");
    session.emit(null, "signed_out");
    stop();
    session.emit({ sub: "u" }, "refreshed");
    await flush();
    expect(send).not.toHaveBeenCalled();
  });

  it("sends nothing when the session ended before the token was read", async () => {
    const session = fakeSession();
    session.getIdToken.mockRejectedValueOnce(new Error("signed out"));
    const send = jest.fn(() => true);
    renewOnRefresh({ session: session as never, send });
    session.emit({ sub: "u" }, "refreshed");
    await flush();
    expect(send).not.toHaveBeenCalled();
  });
});
