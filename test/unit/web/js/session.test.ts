import { CognitoError, type AuthOutcome, type CognitoClient } from "../../../../web/js/cognito.js";
import { createSession, refreshDelayMs, REFRESH_MARGIN_MS, SESSION_STORAGE_KEY, type StorageLike } from "../../../../web/js/session.js";
import { fakeIdToken, SUB } from "./fake-jwt";

class MemoryStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

class FakeTimers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; at: number }>();
  constructor(private readonly clock: { now: number }) {}
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.clock.now + ms });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.pending.delete(id as number);
  };
  /** Advance the clock and run what became due (one pass is enough for these tests). */
  async advance(ms: number) {
    this.clock.now += ms;
    for (const [id, t] of [...this.pending]) {
      if (t.at <= this.clock.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
    await new Promise((r) => setImmediate(r));
  }
}

const T0 = 1_800_000_000_000;
const HOUR = 3600_000;

function tokens(expiresAt: number, refreshToken: string | undefined = "refresh-1"): AuthOutcome {
  return { kind: "tokens", tokens: { idToken: fakeIdToken({}, expiresAt), accessToken: "access", refreshToken, expiresIn: 3600 } };
}

function setup(overrides: Partial<CognitoClient> = {}) {
  const clock = { now: T0 };
  const timers = new FakeTimers(clock);
  const storage = new MemoryStorage();
  const cognito = {
    signIn: jest.fn(async () => tokens(T0 + HOUR)),
    completeNewPassword: jest.fn(async () => tokens(T0 + HOUR)),
    refresh: jest.fn(async () => tokens(clock.now + HOUR, undefined)),
    revoke: jest.fn(async () => undefined),
    ...overrides,
  };
  const session = createSession({ cognito, storage, now: () => clock.now, timers });
  const changes: string[] = [];
  session.onChange((user, reason) => changes.push(`${reason}:${user ? user.username : "-"}`));
  return { clock, timers, storage, cognito, session, changes };
}

describe("refreshDelayMs", () => {
  it("refreshes five minutes before expiry, halfway when less than ten minutes are left, at once when expired", () => {
    expect(REFRESH_MARGIN_MS).toBe(300_000);
    expect(refreshDelayMs(T0 + HOUR, T0)).toBe(HOUR - 300_000);
    expect(refreshDelayMs(T0 + 15 * 60_000, T0)).toBe(10 * 60_000);
    // A 5-minute token (the pool's shortest) is refreshed after 2.5 minutes, not in a loop.
    expect(refreshDelayMs(T0 + 5 * 60_000, T0)).toBe(150_000);
    expect(refreshDelayMs(T0 + 60_000, T0)).toBe(30_000);
    expect(refreshDelayMs(T0 - 1, T0)).toBe(0);
  });
});

describe("createSession", () => {
  it("signs in, exposes username, sub and tenant, and keeps the tokens in sessionStorage", async () => {
    const { session, storage, changes } = setup();
    await expect(session.signIn("tenant1-user", "pw")).resolves.toBe("signed_in");
    expect(session.user()).toEqual({ username: "tenant1-user", sub: SUB, tenantId: "tenant1", expiresAt: Math.floor((T0 + HOUR) / 1000) * 1000 });
    expect(changes).toEqual(["signed_in:tenant1-user"]);
    const saved = JSON.parse(storage.getItem(SESSION_STORAGE_KEY)!);
    expect(saved).toEqual({ username: "tenant1-user", idToken: expect.any(String), accessToken: "access", refreshToken: "refresh-1" });
    expect(JSON.stringify(saved)).not.toContain("pw");
    await expect(session.getIdToken()).resolves.toBe(saved.idToken);
  });

  it("goes through the NEW_PASSWORD_REQUIRED step of a first sign-in", async () => {
    const { session, cognito } = setup({ signIn: jest.fn(async (): Promise<AuthOutcome> => ({ kind: "new_password_required", session: "s1" })) });
    await expect(session.signIn("tenant1-user", "Temp-1")).resolves.toBe("new_password_required");
    expect(session.needsNewPassword()).toBe(true);
    expect(session.user()).toBeNull();
    await expect(session.completeNewPassword("N3w-Password!")).resolves.toBe("signed_in");
    expect(cognito.completeNewPassword).toHaveBeenCalledWith("tenant1-user", "N3w-Password!", "s1");
    expect(session.needsNewPassword()).toBe(false);
    expect(session.user()?.tenantId).toBe("tenant1");
  });

  it("drops a timed-out new-password step so the user starts over", async () => {
    const { session } = setup({
      signIn: jest.fn(async (): Promise<AuthOutcome> => ({ kind: "new_password_required", session: "s1" })),
      completeNewPassword: jest.fn(async () => {
        throw new CognitoError("NotAuthorizedException", "Invalid session");
      }),
    });
    await session.signIn("u", "Temp-1");
    await expect(session.completeNewPassword("x")).rejects.toMatchObject({ code: "NotAuthorizedException" });
    expect(session.needsNewPassword()).toBe(false);
    await expect(session.completeNewPassword("x")).rejects.toMatchObject({ code: "no_challenge" });
  });

  it("refreshes on a timer before the ID token expires, keeping the refresh token", async () => {
    const { session, timers, cognito, storage, changes } = setup();
    await session.signIn("tenant1-user", "pw");
    await timers.advance(HOUR - REFRESH_MARGIN_MS - 1);
    expect(cognito.refresh).not.toHaveBeenCalled();
    await timers.advance(1);
    expect(cognito.refresh).toHaveBeenCalledWith("refresh-1");
    expect(changes).toEqual(["signed_in:tenant1-user", "refreshed:tenant1-user"]);
    expect(JSON.parse(storage.getItem(SESSION_STORAGE_KEY)!).refreshToken).toBe("refresh-1");
  });

  it("refreshes a stale token before handing it out, once for concurrent callers", async () => {
    const { session, clock, cognito } = setup();
    await session.signIn("u", "pw");
    clock.now = T0 + HOUR - 60_000;
    const [a, b] = await Promise.all([session.getIdToken(), session.getIdToken()]);
    expect(a).toBe(b);
    expect(cognito.refresh).toHaveBeenCalledTimes(1);
    await session.getIdToken({ forceRefresh: true });
    expect(cognito.refresh).toHaveBeenCalledTimes(2);
  });

  it("signs out when the refresh token is refused, but not when the network fails", async () => {
    const offline = setup({ refresh: jest.fn(async () => { throw new CognitoError("NetworkError", ""); }) });
    await offline.session.signIn("u", "pw");
    await expect(offline.session.getIdToken({ forceRefresh: true })).rejects.toMatchObject({ code: "NetworkError" });
    expect(offline.session.user()).not.toBeNull();

    const revoked = setup({ refresh: jest.fn(async () => { throw new CognitoError("NotAuthorizedException", "Refresh Token has been revoked"); }) });
    await revoked.session.signIn("u", "pw");
    await expect(revoked.session.getIdToken({ forceRefresh: true })).rejects.toMatchObject({ code: "revoked" });
    expect(revoked.session.user()).toBeNull();
    expect(revoked.storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    // "revoked", not "expired": the page says the sign-in is no longer valid (e.g. a restarted stack).
    expect(revoked.changes).toEqual(["signed_in:u", "revoked:-"]);
  });

  it("calls an ID token past its expiry with no refresh token \"expired\" (not \"revoked\")", async () => {
    const noRefreshToken: AuthOutcome = { kind: "tokens", tokens: { idToken: fakeIdToken({}, T0 + HOUR), accessToken: "access", refreshToken: undefined } };
    const { session, clock, changes } = setup({ signIn: jest.fn(async () => noRefreshToken) });
    await session.signIn("u", "pw");
    clock.now = T0 + HOUR + 1;
    await expect(session.getIdToken()).rejects.toMatchObject({ code: "expired" });
    expect(changes).toEqual(["signed_in:u", "expired:-"]);
  });

  it("restores a session saved in this tab, and refuses a broken one", async () => {
    const first = setup();
    await first.session.signIn("tenant1-user", "pw");
    const saved = first.storage.getItem(SESSION_STORAGE_KEY)!;

    const second = setup();
    second.storage.setItem(SESSION_STORAGE_KEY, saved);
    expect(second.session.restore()).toBe(true);
    expect(second.session.user()?.username).toBe("tenant1-user");
    expect(second.changes).toEqual(["restored:tenant1-user"]);

    for (const broken of ["{", JSON.stringify({ username: "u", idToken: "nope", accessToken: "a" }), JSON.stringify({ username: "u" })]) {
      const third = setup();
      third.storage.setItem(SESSION_STORAGE_KEY, broken);
      expect(third.session.restore()).toBe(false);
      expect(third.storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    }
    expect(setup().session.restore()).toBe(false);
  });

  it("signs out: forgets the tokens, stops refreshing and revokes the refresh token", async () => {
    const { session, storage, cognito, timers, changes } = setup();
    await session.signIn("u", "pw");
    session.signOut();
    expect(session.user()).toBeNull();
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(cognito.revoke).toHaveBeenCalledWith("refresh-1");
    expect(timers.pending.size).toBe(0);
    await expect(session.getIdToken()).rejects.toMatchObject({ code: "signed_out" });
    expect(changes).toEqual(["signed_in:u", "signed_out:-"]);
  });

  it("signs out because another tab did: the same revocation and clearing, told as signed_out_elsewhere", async () => {
    const { session, storage, cognito, changes } = setup();
    await session.signIn("u", "pw");
    session.signOut("signed_out_elsewhere");
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(cognito.revoke).toHaveBeenCalledWith("refresh-1");
    expect(changes).toEqual(["signed_in:u", "signed_out_elsewhere:-"]);
  });

  it("works without storage (private mode) and when storage throws", async () => {
    const throwing: StorageLike = {
      getItem: () => { throw new Error("denied"); },
      setItem: () => { throw new Error("quota"); },
      removeItem: () => { throw new Error("denied"); },
    };
    const cognito = { signIn: async () => tokens(Date.now() + HOUR), completeNewPassword: jest.fn(), refresh: jest.fn(), revoke: async () => undefined };
    for (const storage of [throwing, null]) {
      const session = createSession({ cognito, storage });
      expect(session.restore()).toBe(false);
      await session.signIn("u", "pw");
      expect(session.user()?.username).toBe("u");
      session.signOut();
    }
  });
});
