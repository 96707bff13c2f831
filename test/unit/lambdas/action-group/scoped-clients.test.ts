import { ScopedClientCache, createScopedClient } from "../../../../lambdas/action-group/scoped-clients";
import type { ScopedCredentials } from "../../../../lambdas/shared/scoped-credentials";
import { ROLE_KEY, installFunctionEnvironment } from "./fixtures";

const NOW = new Date("2026-06-01T12:00:00Z");

function creds(n: number, expiresInMs = 15 * 60_000): ScopedCredentials {
  return {
    accessKeyId: `ASIASCOPED${String(n).padStart(10, "0")}`,
    secretAccessKey: `secret-${n}`,
    sessionToken: `token-${n}`,
    expiration: new Date(NOW.getTime() + expiresInMs),
  };
}

describe("createScopedClient", () => {
  it("uses exactly the scoped credentials, even when role credentials are in the environment", async () => {
    installFunctionEnvironment();
    const { documents } = createScopedClient("eu-west-1", creds(1));
    const resolved = await documents.config.credentials();
    expect(resolved).toMatchObject({ accessKeyId: creds(1).accessKeyId, secretAccessKey: "secret-1", sessionToken: "token-1" });
    expect(resolved.accessKeyId).not.toBe(ROLE_KEY);
  });
});

describe("ScopedClientCache", () => {
  it("reuses the client for the same credentials and separates different ones", () => {
    const cache = new ScopedClientCache("eu-west-1");
    const a = cache.clientFor(creds(1), NOW);
    expect(cache.clientFor(creds(1), NOW)).toBe(a);
    expect(cache.clientFor(creds(2), NOW)).not.toBe(a);
    expect(cache.size).toBe(2);
  });

  it("never serves a cached client for the same key id with different secrets", () => {
    const cache = new ScopedClientCache("eu-west-1");
    const a = cache.clientFor(creds(1), NOW);
    const changed = cache.clientFor({ ...creds(1), sessionToken: "other-token" }, NOW);
    expect(changed).not.toBe(a);
    expect(cache.size).toBe(1);
  });

  it("is bounded and evicts the least recently used client", () => {
    const cache = new ScopedClientCache("eu-west-1", 2);
    const one = cache.clientFor(creds(1), NOW);
    cache.clientFor(creds(2), NOW);
    cache.clientFor(creds(1), NOW); // 1 is now the most recent
    cache.clientFor(creds(3), NOW); // evicts 2
    expect(cache.size).toBe(2);
    expect(cache.clientFor(creds(1), NOW)).toBe(one);
  });

  it("drops clients whose credentials have expired", () => {
    const cache = new ScopedClientCache("eu-west-1");
    cache.clientFor(creds(1, 60_000), NOW);
    cache.clientFor(creds(2), new Date(NOW.getTime() + 120_000));
    expect(cache.size).toBe(1);
  });
});
