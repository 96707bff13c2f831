/**
 * Scoped credentials: the AssumeRole request carries exactly the session tags, the
 * user-naming session name and the 900 s duration; cached per (tenant, user) until two
 * minutes before expiry; concurrent requests share one STS call; the cache is bounded.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import {
  REFRESH_MARGIN_MS,
  ScopedCredentialsError,
  ScopedCredentialsProvider,
  isFresh,
} from "../../../../lambdas/common/scoped-credentials";

const sts = mockClient(STSClient);
const ROLE_ARN = "arn:aws:iam::123456789012:role/mta-test-tenant-access";
const USER_A = "11111111-1111-4111-8111-111111111111";
const USER_B = "22222222-2222-4222-8222-222222222222";
const T0 = new Date("2026-11-02T10:00:00.000Z");
const MINUTE = 60_000;

let clock: Date;
let issued = 0;

function provider(maxEntries?: number) {
  return new ScopedCredentialsProvider(new STSClient({ region: "us-east-1" }), {
    roleArn: ROLE_ARN,
    now: () => clock,
    ...(maxEntries ? { maxEntries } : {}),
  });
}

beforeEach(() => {
  sts.reset();
  clock = T0;
  issued = 0;
  sts.on(AssumeRoleCommand).callsFake(async () => {
    issued += 1;
    return {
      Credentials: {
        AccessKeyId: `ASIAFAKEKEY${String(issued).padStart(9, "0")}`,
        SecretAccessKey: `secret-${issued}`,
        SessionToken: `token-${issued}`,
        Expiration: new Date(clock.getTime() + 15 * MINUTE),
      },
    };
  });
});

describe("isFresh", () => {
  it("is fresh until the refresh margin before expiry", () => {
    const expiration = new Date(T0.getTime() + 15 * MINUTE);
    expect(isFresh(expiration, T0)).toBe(true);
    expect(isFresh(expiration, new Date(expiration.getTime() - REFRESH_MARGIN_MS - 1))).toBe(true);
    expect(isFresh(expiration, new Date(expiration.getTime() - REFRESH_MARGIN_MS))).toBe(false);
    expect(isFresh(expiration, new Date(expiration.getTime() + 1))).toBe(false);
  });

  it("takes a custom margin", () => {
    expect(isFresh(new Date(T0.getTime() + 1000), T0, 0)).toBe(true);
    expect(isFresh(new Date(T0.getTime() + 1000), T0, 1000)).toBe(false);
  });
});

describe("ScopedCredentialsProvider", () => {
  it("assumes the tenant-access role with exactly the tenantId and userId tags, a user session name and 900 s", async () => {
    const credentials = await provider().get("tenant1", USER_A);

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: ROLE_ARN,
      RoleSessionName: `user-${USER_A}`,
      DurationSeconds: 900,
      Tags: [
        { Key: "tenantId", Value: "tenant1" },
        { Key: "userId", Value: USER_A },
      ],
    });
    expect(credentials).toEqual({
      accessKeyId: "ASIAFAKEKEY000000001",
      secretAccessKey: "secret-1",
      sessionToken: "token-1",
      expiration: new Date(T0.getTime() + 15 * MINUTE),
    });
  });

  it("serves repeat requests for the same user from the cache", async () => {
    const p = provider();
    const first = await p.get("tenant1", USER_A);
    clock = new Date(T0.getTime() + 12 * MINUTE);
    const second = await p.get("tenant1", USER_A);
    expect(second).toBe(first);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it("refreshes within two minutes of expiry", async () => {
    const p = provider();
    await p.get("tenant1", USER_A);
    clock = new Date(T0.getTime() + 13 * MINUTE);
    const refreshed = await p.get("tenant1", USER_A);
    expect(refreshed.accessKeyId).toBe("ASIAFAKEKEY000000002");
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it("never shares credentials between users or between tenants", async () => {
    const p = provider();
    const a = await p.get("tenant1", USER_A);
    const b = await p.get("tenant1", USER_B);
    const c = await p.get("tenant2", USER_A);
    expect(new Set([a.accessKeyId, b.accessKeyId, c.accessKeyId]).size).toBe(3);
    expect(sts.commandCalls(AssumeRoleCommand)[2].args[0].input.Tags).toEqual([
        { Key: "tenantId", Value: "tenant2" },
        { Key: "userId", Value: USER_A },
      ]);
  });

  it("coalesces concurrent requests for the same user into one STS call", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    sts.on(AssumeRoleCommand).callsFake(async () => {
      await gate;
      issued += 1;
      return {
        Credentials: {
          AccessKeyId: "ASIAFAKEKEYCOALESCED",
          SecretAccessKey: "s",
          SessionToken: "t",
          Expiration: new Date(T0.getTime() + 15 * MINUTE),
        },
      };
    });
    const p = provider();
    const pending = Array.from({ length: 20 }, () => p.get("tenant1", USER_A));
    const other = p.get("tenant1", USER_B);
    release();
    const results = await Promise.all(pending);
    await other;
    expect(new Set(results).size).toBe(1);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it("does not cache a failure: the next request tries again", async () => {
    let calls = 0;
    sts.on(AssumeRoleCommand).callsFake(async () => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error("Rate exceeded"), { name: "Throttling" });
      return { Credentials: { AccessKeyId: "ASIAFAKEKEYRETRIED01", SecretAccessKey: "s", SessionToken: "token-1", Expiration: new Date(T0.getTime() + 15 * MINUTE) } };
    });
    const p = provider();
    await expect(p.get("tenant1", USER_A)).rejects.toThrow(ScopedCredentialsError);
    await expect(p.get("tenant1", USER_A)).resolves.toMatchObject({ sessionToken: "token-1" });
  });

  it("keeps at most maxEntries identities, evicting the least recently used", async () => {
    const p = provider(2);
    const users = [USER_A, USER_B, "33333333-3333-4333-8333-333333333333"];
    await p.get("tenant1", users[0]);
    await p.get("tenant1", users[1]);
    await p.get("tenant1", users[0]); // touch A: B is now the oldest
    await p.get("tenant1", users[2]); // evicts B
    expect(p.cachedIdentities).toBe(2);
    await p.get("tenant1", users[0]);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 3);
    await p.get("tenant1", users[1]);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 4);
  });

  it("wraps an STS refusal in a typed error that does not repeat the STS message", async () => {
    const message = `User: arn:aws:sts::123456789012:assumed-role/chat/fn is not authorized to perform: sts:AssumeRole`;
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error(message), { name: "AccessDenied" }));
    const error = await provider()
      .get("tenant1", USER_A)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScopedCredentialsError);
    expect(error).toMatchObject({ code: "assume_role_failed", stsErrorName: "AccessDenied" });
    expect((error as Error).message).not.toContain("arn:aws");
  });

  it.each([
    ["no credentials", {}],
    ["no session token", { Credentials: { AccessKeyId: "ASIAFAKE", SecretAccessKey: "s", Expiration: T0 } }],
    ["an invalid expiration", { Credentials: { AccessKeyId: "A", SecretAccessKey: "s", SessionToken: "t", Expiration: new Date("x") } }],
  ])("refuses a response with %s", async (_label, response) => {
    sts.on(AssumeRoleCommand).resolves(response as never);
    await expect(provider().get("tenant1", USER_A)).rejects.toMatchObject({ code: "incomplete_credentials" });
  });

  it.each([
    ["a malformed tenant id", "Tenant 1", USER_A],
    ["a tenant id with a slash", "t1/t2", USER_A],
    ["a user id that is not a sub", "tenant1", "admin"],
  ])("refuses %s without calling STS", async (_label, tenantId, userId) => {
    await expect(provider().get(tenantId, userId)).rejects.toMatchObject({ code: "bad_identity" });
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });
});
