import {
  ActionGroupConfigError,
  loadActionGroupConfig,
  ordersTableName,
  toEnvironment,
} from "../../../../lambdas/action-group/config";
import { ENV } from "./fixtures";

const SETTINGS = {
  tenantsTableName: "mta-dev-tenants",
  ordersTablePrefix: "mta-dev-orders-",
  connectionsTableName: "mta-dev-connections",
  managementEndpoint: "https://abc.execute-api.eu-west-1.amazonaws.com/dev",
  usageTableName: "mta-dev-usage",
};

describe("toEnvironment", () => {
  it("gives the action group its service name and tables, and nothing about the role or agent", () => {
    const env = toEnvironment(SETTINGS);
    expect(env).toEqual({
      TENANTS_TABLE_NAME: "mta-dev-tenants",
      ORDERS_TABLE_PREFIX: "mta-dev-orders-",
      CONNECTIONS_TABLE_NAME: "mta-dev-connections",
      WEBSOCKET_MANAGEMENT_ENDPOINT: "https://abc.execute-api.eu-west-1.amazonaws.com/dev",
      USAGE_TABLE_NAME: "mta-dev-usage",
      POWERTOOLS_SERVICE_NAME: "action-group",
      POWERTOOLS_LOG_LEVEL: "INFO",
    });
    // The action group never learns the tenant-access role or the agent: it only uses credentials it is handed.
    expect(Object.keys(env)).not.toContain("TENANT_ACCESS_ROLE_ARN");
  });
});

describe("loadActionGroupConfig", () => {
  it("round-trips what toEnvironment builds, plus AWS_REGION", () => {
    const env = { ...toEnvironment(SETTINGS), AWS_REGION: "eu-west-1" };
    expect(loadActionGroupConfig(env)).toEqual({ ...SETTINGS, region: "eu-west-1" });
  });

  it.each(["TENANTS_TABLE_NAME", "ORDERS_TABLE_PREFIX", "CONNECTIONS_TABLE_NAME", "WEBSOCKET_MANAGEMENT_ENDPOINT", "USAGE_TABLE_NAME", "AWS_REGION"])(
    "fails loudly, naming %s, when it is missing",
    (key) => {
      const env: Record<string, string | undefined> = { ...ENV, [key]: undefined };
      expect(() => loadActionGroupConfig(env)).toThrow(ActionGroupConfigError);
      expect(() => loadActionGroupConfig(env)).toThrow(key);
    },
  );

  it("refuses malformed values without echoing them", () => {
    const env = { ...ENV, TENANTS_TABLE_NAME: "bad table/secret-ish", WEBSOCKET_MANAGEMENT_ENDPOINT: "ftp://x" };
    let message = "";
    try {
      loadActionGroupConfig(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/TENANTS_TABLE_NAME.*WEBSOCKET_MANAGEMENT_ENDPOINT/);
    expect(message).not.toContain("secret-ish");
  });

  it("names a tenant's orders table as prefix + tenant id", () => {
    expect(ordersTableName({ ordersTablePrefix: "mta-dev-orders-" }, "tenant2")).toBe("mta-dev-orders-tenant2");
  });
});
