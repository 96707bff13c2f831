import { TemporaryPasswords } from "../../../../local/cognito/temporary-passwords";

const T0 = 1_900_000_000_000;
const DAY = 24 * 60 * 60 * 1000;

describe("TemporaryPasswords", () => {
  it("matches only the remembered password of that user in that pool", () => {
    const store = new TemporaryPasswords();
    store.remember("pool-1", "alice", "Tmp-secret-1", T0);
    expect(store.matches("pool-1", "alice", "Tmp-secret-1")).toBe(true);
    expect(store.matches("pool-1", "alice", "Tmp-secret-2")).toBe(false);
    expect(store.matches("pool-1", "alice", "")).toBe(false);
    expect(store.matches("pool-2", "alice", "Tmp-secret-1")).toBe(false);
    expect(store.matches("pool-1", "bob", "Tmp-secret-1")).toBe(false);
  });

  it("fails closed for an unknown user and for a presented value that is not a string", () => {
    const store = new TemporaryPasswords();
    expect(store.matches("pool-1", "nobody", "anything")).toBe(false);
    store.remember("pool-1", "alice", "", T0);
    expect(store.matches("pool-1", "alice", undefined)).toBe(false);
    expect(store.matches("pool-1", "alice", 42)).toBe(false);
  });

  it("forgets, and a new remember replaces the old password", () => {
    const store = new TemporaryPasswords();
    store.remember("pool-1", "alice", "first", T0);
    store.remember("pool-1", "alice", "second", T0);
    expect(store.matches("pool-1", "alice", "first")).toBe(false);
    expect(store.matches("pool-1", "alice", "second")).toBe(true);
    store.forget("pool-1", "alice");
    expect(store.has("pool-1", "alice")).toBe(false);
    expect(store.matches("pool-1", "alice", "second")).toBe(false);
  });

  it("keeps no plain password", () => {
    const store = new TemporaryPasswords();
    store.remember("pool-1", "alice", "Tmp-visible-password", T0);
    expect(JSON.stringify([...(store as unknown as { digests: Map<string, Buffer> }).digests.values()].map(String))).not.toContain("Tmp-visible-password");
  });

  it("expires after the validity in days from when it was set (I19); a new one starts again; unknown is expired", () => {
    const store = new TemporaryPasswords();
    store.remember("pool-1", "alice", "Tmp-secret-1", T0);
    expect(store.expired("pool-1", "alice", 3, T0 + 3 * DAY)).toBe(false);
    expect(store.expired("pool-1", "alice", 3, T0 + 3 * DAY + 1)).toBe(true);
    store.remember("pool-1", "alice", "Tmp-secret-2", T0 + 3 * DAY + 1);
    expect(store.expired("pool-1", "alice", 3, T0 + 4 * DAY)).toBe(false);
    expect(store.expired("pool-1", "nobody", 3, T0)).toBe(true);
    store.forget("pool-1", "alice");
    expect(store.expired("pool-1", "alice", 3, T0)).toBe(true);
  });
});
