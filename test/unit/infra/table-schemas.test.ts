/** infra/table-schemas.ts: one key schema per table, for Pulumi and the local stack. */
import { stackNames } from "../../../infra/naming";
import { keyAttributes, tableSchemas, TTL_ATTRIBUTE } from "../../../infra/table-schemas";

const names = stackNames("multi-tenant-assistant", "dev", "us-east-1");

describe("tableSchemas", () => {
  const schemas = tableSchemas(names);

  it("keys each table as docs/architecture.md §Data model says", () => {
    expect(schemas.tenants).toEqual({ hashKey: { name: "tenantId", type: "S" }, indexes: [] });
    expect(schemas.orders).toEqual({ hashKey: { name: "userId", type: "S" }, rangeKey: { name: "orderId", type: "S" }, indexes: [] });
    expect(schemas.connections).toEqual({
      hashKey: { name: "connectionId", type: "S" },
      indexes: [{ name: names.connectionsUserIndex, hashKey: { name: "userId", type: "S" } }],
      ttlAttribute: "ttl",
    });
    expect(schemas.limits).toEqual({ hashKey: { name: "limitKey", type: "S" }, indexes: [], ttlAttribute: TTL_ATTRIBUTE });
    expect(schemas.usage).toEqual({
      hashKey: { name: "pk", type: "S" },
      rangeKey: { name: "sk", type: "S" },
      indexes: [],
      ttlAttribute: "expiresAt",
    });
  });

  it("lists each key attribute once, index keys included (DynamoDB refuses unused or repeated definitions)", () => {
    expect(keyAttributes(schemas.orders)).toEqual([
      { name: "userId", type: "S" },
      { name: "orderId", type: "S" },
    ]);
    expect(keyAttributes(schemas.connections)).toEqual([
      { name: "connectionId", type: "S" },
      { name: "userId", type: "S" },
    ]);
    expect(keyAttributes({ hashKey: { name: "a", type: "S" }, indexes: [{ name: "byA", hashKey: { name: "a", type: "S" } }] })).toEqual([
      { name: "a", type: "S" },
    ]);
  });
});
