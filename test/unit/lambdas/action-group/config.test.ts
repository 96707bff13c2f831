import { loadActionGroupConfig, ordersTableName } from "../../../../lambdas/action-group/config";
import { ActionGroupConfigError } from "../../../../lambdas/action-group/errors";
import { actionGroupEnvironment } from "../../../../infra/function-environment";
import { ENV } from "./fixtures";

describe("loadActionGroupConfig", () => {
  it("reads what actionGroupEnvironment() builds, plus AWS_REGION", () => {
    const env = {
      ...actionGroupEnvironment({
        tenantsTableName: "mta-dev-tenants",
        ordersTablePrefix: "mta-dev-orders-",
        connectionsTableName: "mta-dev-connections",
        managementEndpoint: "https://abc.execute-api.eu-west-1.amazonaws.com/dev",
      }),
      AWS_REGION: "eu-west-1",
    };
    expect(loadActionGroupConfig(env)).toEqual({
      region: "eu-west-1",
      tenantsTableName: "mta-dev-tenants",
      ordersTablePrefix: "mta-dev-orders-",
      connectionsTableName: "mta-dev-connections",
      managementEndpoint: "https://abc.execute-api.eu-west-1.amazonaws.com/dev",
    });
  });

  it.each(["TENANTS_TABLE_NAME", "ORDERS_TABLE_PREFIX", "CONNECTIONS_TABLE_NAME", "WEBSOCKET_MANAGEMENT_ENDPOINT", "AWS_REGION"])(
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
