/** infra/naming.ts: one set of physical names for Pulumi, the local stack and the tools. */
import { APP_PROTOCOL, FUNCTION_NAMES, stackNames } from "../../../infra/naming";

describe("stackNames", () => {
  const names = stackNames("multi-tenant-assistant", "dev");

  it("prefixes every table, function and role with project and stage", () => {
    expect(names).toMatchObject({
      prefix: "multi-tenant-assistant-dev",
      tenantsTable: "multi-tenant-assistant-dev-tenants",
      connectionsTable: "multi-tenant-assistant-dev-connections",
      ordersTablePrefix: "multi-tenant-assistant-dev-orders-",
      tenantAccessRole: "multi-tenant-assistant-dev-tenant-access",
      connectionsUserIndex: "byUserId",
    });
    expect(FUNCTION_NAMES.map(names.functionName)).toEqual([
      "multi-tenant-assistant-dev-authorizer",
      "multi-tenant-assistant-dev-chat",
      "multi-tenant-assistant-dev-action-group",
      "multi-tenant-assistant-dev-offboarding",
    ]);
    expect(FUNCTION_NAMES.map(names.functionRoleName)).toEqual([
      "multi-tenant-assistant-dev-authorizer-role",
      "multi-tenant-assistant-dev-chat-role",
      "multi-tenant-assistant-dev-action-group-role",
      "multi-tenant-assistant-dev-offboarding-role",
    ]);
  });

  it("builds each orders table name as prefix + tenant id (what the IAM policy variable resolves to)", () => {
    expect(names.ordersTable("tenant2")).toBe(`${names.ordersTablePrefix}tenant2`);
  });

  it("keeps stages apart", () => {
    expect(stackNames("multi-tenant-assistant", "prod").tenantsTable).not.toBe(names.tenantsTable);
  });

  it("fits AWS name limits for the longest function name (64 chars)", () => {
    expect(names.functionName("action-group").length).toBeLessThanOrEqual(64);
    expect(names.functionRoleName("action-group").length).toBeLessThanOrEqual(64);
  });

  it("has a subprotocol name a browser accepts as a token", () => {
    expect(APP_PROTOCOL).toMatch(/^[A-Za-z0-9.!#$%&'*+^_`|~-]+$/);
  });
});
