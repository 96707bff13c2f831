/** infra/function-environment.ts: the env var contract both Pulumi and the local stack build. */
import {
  actionGroupEnvironment,
  authorizerEnvironment,
  chatEnvironment,
  managementEndpoint,
} from "../../../infra/function-environment";

describe("function environments", () => {
  it("joins tenant ids and omits the issuer overrides unless given (AWS)", () => {
    const env = authorizerEnvironment({ userPoolId: "p", userPoolClientId: "c", tenantIds: ["t1", "t2"], appProtocol: "mta.v1" });
    expect(env).toEqual({
      USER_POOL_ID: "p",
      USER_POOL_CLIENT_ID: "c",
      TENANT_IDS: "t1,t2",
      APP_PROTOCOL: "mta.v1",
      POWERTOOLS_SERVICE_NAME: "authorizer",
      POWERTOOLS_LOG_LEVEL: "INFO",
    });
  });

  it("adds the issuer and JWKS overrides for a local issuer", () => {
    const env = authorizerEnvironment({
      userPoolId: "p",
      userPoolClientId: "c",
      tenantIds: ["t1"],
      appProtocol: "mta.v1",
      issuer: "http://127.0.0.1:1/p",
      jwksUri: "http://127.0.0.1:1/p/.well-known/jwks.json",
      logLevel: "DEBUG",
    });
    expect(env).toMatchObject({ JWT_ISSUER: "http://127.0.0.1:1/p", JWKS_URI: expect.stringMatching(/jwks\.json$/), POWERTOOLS_LOG_LEVEL: "DEBUG" });
  });

  it("gives chat and action-group their service names and tables", () => {
    const chat = chatEnvironment({
      connectionsTableName: "conn",
      tenantAccessRoleArn: "arn:aws:iam::1:role/r",
      agentId: "A",
      agentAliasId: "B",
      managementEndpoint: "https://x",
      appProtocol: "mta.v1",
      limitsTableName: "limits",
      asksPerUserPerMinute: 30,
    });
    expect(chat).toMatchObject({
      CONNECTIONS_TABLE_NAME: "conn",
      AGENT_ALIAS_ID: "B",
      POWERTOOLS_SERVICE_NAME: "chat",
      LIMITS_TABLE_NAME: "limits",
      // Environment values are strings; the chat config parses it back to a whole number.
      ASKS_PER_USER_PER_MINUTE: "30",
    });
    const ag = actionGroupEnvironment({
      tenantsTableName: "t",
      ordersTablePrefix: "o-",
      connectionsTableName: "conn",
      managementEndpoint: "https://x",
    });
    expect(ag).toEqual({
      TENANTS_TABLE_NAME: "t",
      ORDERS_TABLE_PREFIX: "o-",
      CONNECTIONS_TABLE_NAME: "conn",
      WEBSOCKET_MANAGEMENT_ENDPOINT: "https://x",
      POWERTOOLS_SERVICE_NAME: "action-group",
      POWERTOOLS_LOG_LEVEL: "INFO",
    });
    // The action group never learns the tenant-access role or the agent: it only uses credentials it is handed.
    expect(Object.keys(ag)).not.toContain("TENANT_ACCESS_ROLE_ARN");
  });

  it("builds the stage's management endpoint", () => {
    expect(managementEndpoint("abc123", "eu-west-1", "dev")).toBe("https://abc123.execute-api.eu-west-1.amazonaws.com/dev");
  });
});
