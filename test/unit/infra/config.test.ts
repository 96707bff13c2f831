/** infra/config.ts: each configuration mistake gets its own clear error. */
import {
  ConfigError,
  configPath,
  DEFAULT_ASKS_PER_USER_PER_MINUTE,
  DEFAULT_MODEL_ID,
  defaultAskThrottle,
  parseStackConfig,
  tenantBudgets,
} from "../../../infra/config";

const tenant = (id: string, users: string[] = [`${id}-user`], returnPolicyDays: unknown = 10) => ({
  id,
  displayName: `Tenant ${id}`,
  returnPolicyDays,
  users,
});

function problemsOf(values: Record<string, unknown>): string[] {
  try {
    parseStackConfig(values);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe("invalid_config");
    return [...(error as ConfigError).problems];
  }
  throw new Error("expected a ConfigError");
}

describe("ConfigError", () => {
  it("is one line for one problem, naming the file when there is one; several problems are listed", () => {
    expect(new ConfigError(["tenants[0].budget.dailyTokens: must be a positive whole number"]).message).toBe(
      "invalid stack configuration: tenants[0].budget.dailyTokens: must be a positive whole number",
    );
    expect(new ConfigError(["modelId: required"], "stacks/budget.yaml").message).toBe("invalid stack configuration in stacks/budget.yaml: modelId: required");
    expect(new ConfigError(["a: x", "b: y"]).message).toBe("invalid stack configuration:\n  - a: x\n  - b: y");
  });
});

describe("parseStackConfig", () => {
  it("accepts a minimal config and fills the defaults", () => {
    const config = parseStackConfig({ tenants: [tenant("tenant1")] });
    expect(config).toMatchObject({
      modelId: DEFAULT_MODEL_ID,
      logRetentionDays: 14,
      pointInTimeRecovery: false,
      deletionProtection: false,
      throttle: { burstLimit: 100, rateLimit: 50 },
      askThrottle: { burstLimit: 50, rateLimit: 25 },
      askRateLimit: { perUserPerMinute: 30 },
      reservedConcurrency: {},
      logLevel: "INFO",
      tokenValidityMinutes: 15,
      temporaryPasswordValidityDays: 3,
      offboardingTrail: false,
    });
    expect(DEFAULT_ASKS_PER_USER_PER_MINUTE).toBe(30);
    expect(config.tenants[0].id).toBe("tenant1");
  });

  it("rejects an unknown key (a typo must not fall back to a default)", () => {
    expect(problemsOf({ tenants: [tenant("tenant1")], logRetentionDay: 7 })).toEqual([
      expect.stringMatching(/unknown key\(s\) logRetentionDay/),
    ]);
  });

  it("rejects an unknown key inside a tenant", () => {
    expect(problemsOf({ tenants: [{ ...tenant("tenant1"), returnDays: 3 }] })).toEqual([
      expect.stringMatching(/^tenants\[0\]: unknown key\(s\) returnDays/),
    ]);
  });

  it("rejects a duplicate tenant and a user configured twice", () => {
    const problems = problemsOf({ tenants: [tenant("tenant1", ["alice"]), tenant("tenant1", ["alice"])] });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/tenants\[1\]\.id: duplicate tenant "tenant1"/),
        expect.stringMatching(/tenants\[1\]\.users\[0\]: duplicate user "alice"/),
      ]),
    );
  });

  it.each(["Tenant1", "-t1", "t1-", "t_1", "", "a".repeat(33), "t1/../t2"])("rejects the tenant id %p", (id) => {
    expect(problemsOf({ tenants: [tenant(id, ["someone"])] })).toEqual([expect.stringMatching(/^tenants\[0\]\.id: tenant id must be/)]);
  });

  it.each([
    [-1, /between 0 and 365/],
    [366, /between 0 and 365/],
    [1.5, /whole number/],
    ["10", /must be a number/],
  ])("rejects returnPolicyDays %p", (days, message) => {
    expect(problemsOf({ tenants: [tenant("tenant1", ["u1"], days)] })).toEqual([
      expect.stringMatching(new RegExp(`^tenants\\[0\\]\\.returnPolicyDays: .*${message.source}`)),
    ]);
  });

  it("defaults to a current Claude model through a system-defined inference profile", () => {
    expect(DEFAULT_MODEL_ID).toBe("us.anthropic.claude-sonnet-4-6");
  });

  it.each(["anthropic.claude-3-haiku-20240307-v1:0", "eu.anthropic.claude-sonnet-4-6", "global.anthropic.claude-sonnet-4-6", "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"])(
    "accepts the modelId %p",
    (modelId) => {
      expect(parseStackConfig({ tenants: [tenant("t1")], modelId }).modelId).toBe(modelId);
    },
  );

  it.each(["claude-sonnet", "sa.anthropic.claude-sonnet-4-6", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-6", ""])(
    "refuses the modelId %p in one line naming the accepted forms",
    (modelId) => {
      expect(problemsOf({ tenants: [tenant("t1")], modelId })).toEqual([
        expect.stringMatching(/^modelId: modelId "[^"\n]*" is not a foundation-model id .*application inference profile ARN/),
      ]);
    },
  );

  it("rejects no tenants, a bad log retention and a bad username", () => {
    expect(problemsOf({ tenants: [] })).toEqual([expect.stringMatching(/at least one tenant/)]);
    expect(problemsOf({ tenants: [tenant("t1")], logRetentionDays: 10 })).toEqual([
      expect.stringMatching(/logRetentionDays must be a CloudWatch retention value/),
    ]);
    expect(problemsOf({ tenants: [tenant("t1", ["Bad User"])] })).toEqual([expect.stringMatching(/username must be/)]);
  });
});

describe("parseStackConfig: flooding and cost limits", () => {
  const base = { tenants: [tenant("tenant1")] };

  it("creates the offboarding trail only when asked to (a boolean)", () => {
    expect(parseStackConfig({ ...base, offboardingTrail: true }).offboardingTrail).toBe(true);
    for (const bad of ["true", 1, null]) expect(() => parseStackConfig({ ...base, offboardingTrail: bad })).toThrow(/offboardingTrail/);
  });

  it("takes a token lifetime between 5 and 1440 minutes (Cognito's range) and refuses others", () => {
    expect(parseStackConfig({ ...base, tokenValidityMinutes: 5 }).tokenValidityMinutes).toBe(5);
    expect(parseStackConfig({ ...base, tokenValidityMinutes: 1440 }).tokenValidityMinutes).toBe(1440);
    for (const bad of [4, 1441, 7.5, "15"]) expect(() => parseStackConfig({ ...base, tokenValidityMinutes: bad })).toThrow(/tokenValidityMinutes/);
  });

  it("takes a temporary-password validity of 1 to 365 days (default 3); 0, which Cognito would read as 7, is refused with why", () => {
    expect(parseStackConfig(base).temporaryPasswordValidityDays).toBe(3);
    expect(parseStackConfig({ ...base, temporaryPasswordValidityDays: 1 }).temporaryPasswordValidityDays).toBe(1);
    expect(parseStackConfig({ ...base, temporaryPasswordValidityDays: 365 }).temporaryPasswordValidityDays).toBe(365);
    expect(problemsOf({ ...base, temporaryPasswordValidityDays: 0 })).toEqual([
      "temporaryPasswordValidityDays: must be between 1 and 365 days (Cognito would take 0 as its default, 7)",
    ]);
    for (const bad of [366, 2.5, "3", -1]) expect(problemsOf({ ...base, temporaryPasswordValidityDays: bad })).toEqual([expect.stringMatching(/^temporaryPasswordValidityDays: /)]);
  });

  it("takes optional budget alarms: a share in (0, 1] and an SNS topic ARN", () => {
    expect(parseStackConfig(base).alarms).toBeUndefined();
    const topic = "arn:aws:sns:eu-west-1:123456789012:budget-alerts";
    expect(parseStackConfig({ ...base, alarms: { budgetShare: 0.8, snsTopicArn: topic } }).alarms).toEqual({ budgetShare: 0.8, snsTopicArn: topic });
    expect(parseStackConfig({ ...base, alarms: { budgetShare: 1 } }).alarms).toEqual({ budgetShare: 1 });
    for (const bad of [0, 1.5, -0.2, "0.8"]) {
      expect(problemsOf({ ...base, alarms: { budgetShare: bad } })).toEqual([expect.stringMatching(/^alarms\.budgetShare: /)]);
    }
    expect(problemsOf({ ...base, alarms: { budgetShare: 0.5, snsTopicArn: "arn:aws:sqs:eu-west-1:123456789012:q" } })).toEqual([
      expect.stringMatching(/^alarms\.snsTopicArn: snsTopicArn must be an SNS topic ARN/),
    ]);
    expect(problemsOf({ ...base, alarms: { budgetShare: 0.5, share: 1 } })).toEqual([expect.stringMatching(/^alarms: unknown key\(s\) share/)]);
  });

  it("takes a per-user ask limit between 1 and 1000", () => {
    expect(parseStackConfig({ ...base, askRateLimit: { perUserPerMinute: 1 } }).askRateLimit).toEqual({ perUserPerMinute: 1 });
    expect(parseStackConfig({ ...base, askRateLimit: { perUserPerMinute: 1000 } }).askRateLimit).toEqual({ perUserPerMinute: 1000 });
  });

  it.each([
    [0, /between 1 and 1000/],
    [1001, /between 1 and 1000/],
    [2.5, /whole number/],
    ["30", /must be a number/],
  ])("rejects askRateLimit.perUserPerMinute %p", (value, message) => {
    expect(problemsOf({ ...base, askRateLimit: { perUserPerMinute: value } })).toEqual([
      expect.stringMatching(new RegExp(`^askRateLimit\\.perUserPerMinute: .*${message.source}`)),
    ]);
  });

  it("rejects an unknown key under askRateLimit, reservedConcurrency and askThrottle", () => {
    expect(problemsOf({ ...base, askRateLimit: { perUserPerMinute: 5, perTenant: 100 } })).toEqual([
      expect.stringMatching(/^askRateLimit: unknown key\(s\) perTenant/),
    ]);
    expect(problemsOf({ ...base, reservedConcurrency: { actionGroup: 5 } })).toEqual([
      expect.stringMatching(/^reservedConcurrency: unknown key\(s\) actionGroup/),
    ]);
    expect(problemsOf({ ...base, askThrottle: { burstLimit: 5, rateLimit: 5, perUser: 1 } })).toEqual([
      expect.stringMatching(/^askThrottle: unknown key\(s\) perUser/),
    ]);
  });

  it("derives the ask route's throttle from the stage's, or takes one no looser than it", () => {
    expect(parseStackConfig({ ...base, throttle: { burstLimit: 7, rateLimit: 3 } }).askThrottle).toEqual({ burstLimit: 3, rateLimit: 1.5 });
    expect(defaultAskThrottle({ burstLimit: 1, rateLimit: 1 })).toEqual({ burstLimit: 1, rateLimit: 1 });
    expect(parseStackConfig({ ...base, askThrottle: { burstLimit: 10, rateLimit: 5 } }).askThrottle).toEqual({ burstLimit: 10, rateLimit: 5 });
    expect(problemsOf({ ...base, askThrottle: { burstLimit: 500, rateLimit: 5 } })).toEqual([
      expect.stringMatching(/^askThrottle: .*must not exceed the stage's throttle/),
    ]);
  });

  it("leaves reserved concurrency unset unless configured, and then takes whole numbers of at least 1", () => {
    expect(parseStackConfig(base).reservedConcurrency).toEqual({});
    expect(parseStackConfig({ ...base, reservedConcurrency: { chat: 50, authorizer: 10 } }).reservedConcurrency).toEqual({
      chat: 50,
      authorizer: 10,
    });
    expect(problemsOf({ ...base, reservedConcurrency: { chat: 0 } })).toEqual([expect.stringMatching(/^reservedConcurrency\.chat: .*0 would stop/)]);
    expect(problemsOf({ ...base, reservedConcurrency: { authorizer: 1.5 } })).toEqual([
      expect.stringMatching(/^reservedConcurrency\.authorizer: .*whole number/),
    ]);
  });
});

describe("parseStackConfig: access logs", () => {
  const base = { tenants: [tenant("tenant1")] };

  it("leaves access logs off by default, and does not touch the account's API Gateway role", () => {
    expect(parseStackConfig(base)).toMatchObject({ accessLogs: false, manageApiGatewayAccountRole: false });
  });

  it("takes access logs with or without managing the account role", () => {
    expect(parseStackConfig({ ...base, accessLogs: true })).toMatchObject({ accessLogs: true, manageApiGatewayAccountRole: false });
    expect(parseStackConfig({ ...base, accessLogs: true, manageApiGatewayAccountRole: true })).toMatchObject({
      accessLogs: true,
      manageApiGatewayAccountRole: true,
    });
  });

  it("refuses managing the role without access logs (half-way), and non-booleans, one line naming the key", () => {
    expect(problemsOf({ ...base, manageApiGatewayAccountRole: true })).toEqual([
      "manageApiGatewayAccountRole: needs accessLogs: true (the role serves only the access logs); set both, or neither",
    ]);
    expect(problemsOf({ ...base, accessLogs: "yes" })).toEqual(["accessLogs: must be true or false"]);
    expect(problemsOf({ ...base, accessLogs: true, manageApiGatewayAccountRole: 1 })).toEqual(["manageApiGatewayAccountRole: must be true or false"]);
  });
});

describe("parseStackConfig: token budgets and usage", () => {
  it("takes no budget by default (unlimited), and the usage defaults", () => {
    const config = parseStackConfig({ tenants: [tenant("tenant1")] });
    expect(config.tenants[0].budget).toBeUndefined();
    expect(config.usage).toEqual({ retentionDays: 90, reserveTokensPerAnswer: 2000 });
    expect(tenantBudgets(config.tenants)).toEqual({});
  });

  it("takes any of the three limits per tenant, and passes only the budgeted tenants on", () => {
    const config = parseStackConfig({
      tenants: [tenant("tenant1"), { ...tenant("tenant2"), budget: { monthlyTokens: 1_000_000, dailyTokens: 50_000, userDailyTokens: 5000 } }],
      usage: { retentionDays: 30, reserveTokensPerAnswer: 500 },
    });
    expect(tenantBudgets(config.tenants)).toEqual({ tenant2: { monthlyTokens: 1_000_000, dailyTokens: 50_000, userDailyTokens: 5000 } });
    expect(config.usage).toEqual({ retentionDays: 30, reserveTokensPerAnswer: 500 });
  });

  it.each([0, -5, 2.5, "1000", null])("refuses the budget %p with one line naming the key", (bad) => {
    expect(problemsOf({ tenants: [tenant("tenant1"), { ...tenant("tenant2"), budget: { dailyTokens: bad } }] })).toEqual([
      "tenants[1].budget.dailyTokens: must be a positive whole number",
    ]);
  });

  it("refuses an unknown budget key and bad usage settings", () => {
    expect(problemsOf({ tenants: [{ ...tenant("tenant1"), budget: { weeklyTokens: 5 } }] })).toEqual([
      "tenants[0].budget: unknown key(s) weeklyTokens",
    ]);
    expect(problemsOf({ tenants: [tenant("tenant1")], usage: { retentionDays: 0 } })).toEqual([
      "usage.retentionDays: must be between 1 and 3650 days",
    ]);
    expect(problemsOf({ tenants: [tenant("tenant1")], usage: { reserveTokensPerAnswer: 1.5 } })).toEqual([
      "usage.reserveTokensPerAnswer: must be a whole number",
    ]);
  });

  it("writes key paths the way the YAML is read", () => {
    expect(configPath([])).toBe("(root)");
    expect(configPath(["tenants", 1, "budget", "dailyTokens"])).toBe("tenants[1].budget.dailyTokens");
    expect(configPath(["throttle", "burstLimit"])).toBe("throttle.burstLimit");
  });
});
