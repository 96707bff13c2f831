/** The chat configuration: every required variable checked, errors name variables, never values. */
import { budgetsVariable, ChatConfigError, loadChatConfig, MAX_TENANT_BUDGETS_CHARS, parseBudgets, toEnvironment } from "../../../../lambdas/chat/config";
import { CHAT_ENV, CONFIG } from "./fixtures";

describe("toEnvironment", () => {
  it("gives chat its service name and tables, the limit as a string", () => {
    const { functionName: _functionName, region: _region, ...settings } = CONFIG;
    expect(toEnvironment({ ...settings, asksPerUserPerMinute: 30 }, "DEBUG")).toMatchObject({
      CONNECTIONS_TABLE_NAME: CONFIG.connectionsTableName,
      AGENT_ALIAS_ID: CONFIG.agentAliasId,
      POWERTOOLS_SERVICE_NAME: "chat",
      POWERTOOLS_LOG_LEVEL: "DEBUG",
      LIMITS_TABLE_NAME: CONFIG.limitsTableName,
      // Environment values are strings; the chat config parses it back to a whole number.
      ASKS_PER_USER_PER_MINUTE: "30",
    });
  });
});

describe("loadChatConfig", () => {
  it("round-trips what toEnvironment builds, plus the runtime's variables", () => {
    const env = {
      ...toEnvironment(CONFIG),
      AWS_LAMBDA_FUNCTION_NAME: CONFIG.functionName,
      AWS_REGION: CONFIG.region,
    };
    expect(loadChatConfig(env)).toEqual(CONFIG);
  });

  it("accepts a local http endpoint", () => {
    expect(loadChatConfig({ ...CHAT_ENV, WEBSOCKET_MANAGEMENT_ENDPOINT: "http://127.0.0.1:4510/local" }).managementEndpoint).toBe(
      "http://127.0.0.1:4510/local",
    );
  });

  it("carries the authorizer's ID-token settings for renewals, issuer override included (I2)", () => {
    const override = { issuer: "http://127.0.0.1:4520/local_pool", jwksUri: "http://127.0.0.1:4520/local_pool/.well-known/jwks.json" };
    const settings = { ...CONFIG, idTokens: { ...CONFIG.idTokens, issuerOverride: override } };
    const env = { ...toEnvironment(settings), AWS_LAMBDA_FUNCTION_NAME: CONFIG.functionName, AWS_REGION: CONFIG.region };
    expect(env).toMatchObject({ TENANT_IDS: "tenant1,tenant2,tenant3", JWT_ISSUER: override.issuer, JWKS_URI: override.jwksUri });
    expect(loadChatConfig(env).idTokens).toEqual(settings.idTokens);
  });

  it("refuses an issuer without its JWKS (or the reverse), and JWKS over http off this machine", () => {
    expect(() => loadChatConfig({ ...CHAT_ENV, JWT_ISSUER: "https://issuer.example" })).toThrow("set together");
    expect(() => loadChatConfig({ ...CHAT_ENV, JWKS_URI: "https://issuer.example/jwks.json" })).toThrow("set together");
    expect(() =>
      loadChatConfig({ ...CHAT_ENV, JWT_ISSUER: "http://issuer.example", JWKS_URI: "http://issuer.example/jwks.json" }),
    ).toThrow("loopback");
  });

  it("parses the ask limit as a whole number within 1–1000", () => {
    expect(loadChatConfig({ ...CHAT_ENV, ASKS_PER_USER_PER_MINUTE: "1" }).asksPerUserPerMinute).toBe(1);
    expect(loadChatConfig({ ...CHAT_ENV, ASKS_PER_USER_PER_MINUTE: "1000" }).asksPerUserPerMinute).toBe(1000);
    expect(loadChatConfig({ ...CHAT_ENV, ASKS_PER_USER_PER_MINUTE: " 0030 " }).asksPerUserPerMinute).toBe(30);
  });

  it.each([...Object.keys(CHAT_ENV).filter((key) => !key.startsWith("POWERTOOLS_")), "POWERTOOLS_METRICS_NAMESPACE"])("requires %s", (key) => {
    const env: Record<string, string | undefined> = { ...CHAT_ENV, [key]: undefined };
    expect(() => loadChatConfig(env)).toThrow(ChatConfigError);
    expect(() => loadChatConfig(env)).toThrow(key);
  });

  it.each([
    ["TENANT_ACCESS_ROLE_ARN", "arn:aws:iam::123:user/secret-name"],
    ["WEBSOCKET_MANAGEMENT_ENDPOINT", "ftp://secret-host/x"],
    ["APP_PROTOCOL", "mta v1, secret"],
    ["ASKS_PER_USER_PER_MINUTE", "secret"],
    ["ASKS_PER_USER_PER_MINUTE", "0"],
    ["ASKS_PER_USER_PER_MINUTE", "1001"],
    ["ASKS_PER_USER_PER_MINUTE", "2.5"],
    ["ASKS_PER_USER_PER_MINUTE", "-3"],
    ["ASKS_PER_USER_PER_MINUTE", "0000"],
    ["ASKS_PER_USER_PER_MINUTE", "10000"],
    ["TENANT_IDS", "tenant1,Secret"],
    ["TENANT_IDS", "tenant1,,secret"],
    ["JWKS_URI", "not a url secret"],
    ["POWERTOOLS_METRICS_NAMESPACE", "AWS/secret"],
    ["POWERTOOLS_METRICS_NAMESPACE", "secret<namespace>"],
  ])("rejects a malformed %s without echoing it", (key, value) => {
    let error: unknown;
    try {
      loadChatConfig({ ...CHAT_ENV, [key]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChatConfigError);
    expect((error as ChatConfigError).code).toBe("bad_config");
    expect((error as Error).message).toContain(key);
    expect((error as Error).message).not.toContain("secret");
  });
});

describe("budgets and usage settings", () => {
  const budgets = { tenant1: { dailyTokens: 50_000 }, "tenant-2": { monthlyTokens: 1_000_000, userDailyTokens: 500 } };

  it("round-trips the budgets, retention and reservation", () => {
    const settings = { ...CONFIG, budgets, usageRetentionDays: 30, reserveTokensPerAnswer: 1500 };
    const env = { ...toEnvironment(settings), AWS_LAMBDA_FUNCTION_NAME: CONFIG.functionName, AWS_REGION: CONFIG.region };
    expect(env.TENANT_BUDGETS).toBe(JSON.stringify(budgets));
    expect(loadChatConfig(env)).toMatchObject({ budgets, usageRetentionDays: 30, reserveTokensPerAnswer: 1500 });
  });

  it.each([
    ["not json", /must be JSON/],
    ['{"tenant1":{"dailyTokens":0}}', /positive whole numbers/],
    ['{"tenant1":{"dailyTokens":1.5}}', /positive whole numbers/],
    ['{"tenant1":{"weeklyTokens":5}}', /positive whole numbers/],
    ['{"Bad Tenant":{"dailyTokens":5}}', /map tenant ids/],
    ["[]", /map tenant ids/],
  ])("refuses TENANT_BUDGETS %p without echoing it", (value, message) => {
    expect(() => parseBudgets(value)).toThrow(message);
    expect(() => parseBudgets(value)).toThrow(ChatConfigError);
    try {
      parseBudgets(value);
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });

  it("refuses budgets that would not fit Lambda's 4 KB environment, at deploy time", () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`tenant-${i}`, { monthlyTokens: 1_000_000 }]));
    expect(() => budgetsVariable(many)).toThrow(new RegExp(`more than ${MAX_TENANT_BUDGETS_CHARS}`));
  });

  it.each([
    ["USAGE_RETENTION_DAYS", "0"],
    ["USAGE_RETENTION_DAYS", "3651"],
    ["RESERVE_TOKENS_PER_ANSWER", "0"],
    ["RESERVE_TOKENS_PER_ANSWER", "1000001"],
  ])("refuses %s=%p", (key, value) => {
    expect(() => loadChatConfig({ ...CHAT_ENV, [key]: value })).toThrow(key);
  });
});
