/**
 * The tenant display name reader: one GetItem of the caller's own tenant row signed with
 * the caller's scoped credentials (I3), the name remembered per tenant for a few
 * minutes, and anything that is not a usable name read as "no name".
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { displayNameOf, TENANT_NAME_CACHE_MS, TenantNameReader } from "../../../../lambdas/chat/tenant-names";
import type { ScopedCredentials } from "../../../../lambdas/common/scoped-credentials";

const credentialsFor = (tenantId: string): ScopedCredentials => ({
  accessKeyId: `AKIA${tenantId}`,
  secretAccessKey: "secret",
  sessionToken: "token",
  expiration: new Date(0),
});

function fixture(rows: Record<string, Record<string, unknown>>) {
  let now = 1_000_000;
  const minted: string[] = [];
  const reads: Array<{ key: string; table: string; input: unknown }> = [];
  const reader = new TenantNameReader({
    region: "us-east-1",
    tenantsTableName: "tenants",
    now: () => new Date(now),
    credentials: {
      get: async (tenantId, userId) => {
        minted.push(`${tenantId}/${userId}`);
        return credentialsFor(tenantId);
      },
    },
    tables: {
      as: (credentials) => ({
        send: (async (command: GetCommand) => {
          const tenantId = String(command.input.Key?.tenantId);
          reads.push({ key: credentials.accessKeyId, table: String(command.input.TableName), input: command.input });
          return { Item: rows[tenantId] };
        }) as never,
      }),
    },
  });
  return { reader, minted, reads, advance: (ms: number) => (now += ms) };
}

describe("displayNameOf", () => {
  it("is the trimmed displayName, or undefined", () => {
    expect(displayNameOf({ displayName: " Tenant One " })).toBe("Tenant One");
    expect(displayNameOf({ displayName: "" })).toBeUndefined();
    expect(displayNameOf({ displayName: 5 })).toBeUndefined();
    expect(displayNameOf(undefined)).toBeUndefined();
    expect(displayNameOf({ displayName: "x".repeat(300) })).toHaveLength(100);
  });
});

describe("TenantNameReader", () => {
  it("reads the caller's own tenant row with the caller's scoped credentials, then remembers it", async () => {
    const { reader, minted, reads, advance } = fixture({ tenant1: { displayName: "Tenant One" } });
    await expect(reader.nameOf("tenant1", "user-a")).resolves.toBe("Tenant One");
    expect(minted).toEqual(["tenant1/user-a"]);
    expect(reads).toEqual([
      { key: "AKIAtenant1", table: "tenants", input: { TableName: "tenants", Key: { tenantId: "tenant1" }, ProjectionExpression: "displayName" } },
    ]);
    await expect(reader.nameOf("tenant1", "user-b")).resolves.toBe("Tenant One");
    expect(reads).toHaveLength(1);
    advance(TENANT_NAME_CACHE_MS + 1);
    await reader.nameOf("tenant1", "user-b");
    expect(minted).toEqual(["tenant1/user-a", "tenant1/user-b"]);
  });

  it("keeps tenants apart and does not remember a missing name", async () => {
    const { reader, reads } = fixture({ tenant1: { displayName: "Tenant One" }, tenant2: {} });
    await expect(reader.nameOf("tenant2", "user-c")).resolves.toBeUndefined();
    await expect(reader.nameOf("tenant2", "user-c")).resolves.toBeUndefined();
    expect(reads.map((r) => r.key)).toEqual(["AKIAtenant2", "AKIAtenant2"]);
    await expect(reader.nameOf("tenant1", "user-a")).resolves.toBe("Tenant One");
  });
});
