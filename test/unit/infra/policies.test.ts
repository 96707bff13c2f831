/**
 * The policy documents, evaluated (not just read) with @cloud-copilot/iam-simulate as a
 * matrix of allowed and denied requests. Each denial has an allowed twin, so a policy
 * that denies everything fails too.
 */
import { runSimulation, type RunSimulationResults } from "@cloud-copilot/iam-simulate";
import {
  actionGroupRolePolicy,
  agentRolePolicy,
  agentTrustPolicy,
  authorizerRolePolicy,
  chatRolePolicy,
  connectionsManagementArn,
  lambdaTrustPolicy,
  tenantAccessPolicy,
  tenantAccessTrustPolicy,
  TrustPolicyInputError,
  type AwsContext,
  type PolicyDocument,
} from "../../../infra/policies";
import { parseModelReference } from "../../../infra/model-reference";
import { stackNames } from "../../../infra/naming";

const ctx: AwsContext = { partition: "aws", region: "us-east-1", accountId: "123456789012" };
const names = stackNames("multi-tenant-assistant", "test", "us-east-1");
const arn = (table: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${table}`;

const TENANT_ACCESS_ROLE_ARN = `arn:aws:iam::123456789012:role/${names.tenantAccessRole}`;
const CHAT_ROLE_ARN = "arn:aws:iam::123456789012:role/chat-role";
const CHAT_SESSION = "arn:aws:sts::123456789012:assumed-role/chat-role/chat-fn";
const ACTION_GROUP_SESSION = "arn:aws:sts::123456789012:assumed-role/action-group-role/ag-fn";
const USER_A = "11111111-1111-4111-8111-111111111111";
const USER_B = "22222222-2222-4222-8222-222222222222";
const TENANT_SESSION = `arn:aws:sts::123456789012:assumed-role/${names.tenantAccessRole}/user-${USER_A}`;

const tenantPolicy = tenantAccessPolicy(ctx, {
  tenantsTableName: names.tenantsTable,
  ordersTablePrefix: names.ordersTablePrefix,
  usageTableName: names.usageTable,
});
const chatPolicy = chatRolePolicy(ctx, {
  functionName: names.functionName("chat"),
  connectionsTableName: names.connectionsTable,
  limitsTableName: names.limitsTable,
  revocationsTableName: names.revocationsTable,
  usageTableName: names.usageTable,
  tenantAccessRoleArn: TENANT_ACCESS_ROLE_ARN,
  agentId: "AGENT12345",
  agentAliasId: "ALIAS12345",
  apiId: "abc123",
  stage: "test",
});
const actionGroupPolicy = actionGroupRolePolicy(ctx, {
  functionName: names.functionName("action-group"),
  connectionsTableName: names.connectionsTable,
  apiId: "abc123",
  stage: "test",
});

interface Request {
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

async function simulate(
  policy: PolicyDocument,
  req: Request,
  resourcePolicy?: PolicyDocument,
): Promise<"Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"> {
  const result: RunSimulationResults = await runSimulation(
    {
      request: {
        principal: req.principal,
        action: req.action,
        resource: { resource: req.resource, accountId: ctx.accountId },
        contextVariables: req.context ?? {},
      },
      identityPolicies: [{ name: "under-test", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult as "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";
}

/** A tenant-access session of USER_A in tenant1, with explicit session tags. */
function asUserA(action: string, table: string, leadingKeys?: string[], tags = { tenantId: "tenant1", userId: USER_A }) {
  const context: Record<string, string | string[]> = {};
  if (tags.tenantId !== undefined) context["aws:PrincipalTag/tenantId"] = tags.tenantId;
  if (tags.userId !== undefined) context["aws:PrincipalTag/userId"] = tags.userId;
  if (leadingKeys) context["dynamodb:LeadingKeys"] = leadingKeys;
  return simulate(tenantPolicy, { principal: TENANT_SESSION, action, resource: arn(table), context });
}

describe("tenantAccessPolicy (I3) evaluated with iam-simulate", () => {
  const tenants = names.tenantsTable;
  const ownOrders = names.ordersTable("tenant1");
  const otherOrders = names.ordersTable("tenant2");

  it.each([
    ["GetItem own tenant row", "dynamodb:GetItem", tenants, ["tenant1"]],
    ["GetItem own orders", "dynamodb:GetItem", ownOrders, [USER_A]],
    ["Query own orders", "dynamodb:Query", ownOrders, [USER_A]],
  ])("allows %s", async (_label, action, table, keys) => {
    await expect(asUserA(action, table, keys)).resolves.toBe("Allowed");
  });

  it.each([
    ["another tenant's orders table, own user key", "dynamodb:Query", otherOrders, [USER_A]],
    ["another tenant's orders table, GetItem", "dynamodb:GetItem", otherOrders, [USER_A]],
    ["another tenant's row in the tenants table", "dynamodb:GetItem", tenants, ["tenant2"]],
    ["another user's key in own orders table", "dynamodb:Query", ownOrders, [USER_B]],
    ["LeadingKeys of two users", "dynamodb:GetItem", ownOrders, [USER_A, USER_B]],
    ["LeadingKeys of two tenants", "dynamodb:GetItem", tenants, ["tenant1", "tenant2"]],
    ["the tenant id as orders key (cross-statement confusion)", "dynamodb:Query", ownOrders, ["tenant1"]],
    ["Scan of own orders table", "dynamodb:Scan", ownOrders, undefined],
    ["Scan of the tenants table", "dynamodb:Scan", tenants, undefined],
    ["Query of own tenant row (no tool queries the tenants table)", "dynamodb:Query", tenants, ["tenant1"]],
    ["PutItem own orders", "dynamodb:PutItem", ownOrders, [USER_A]],
    ["UpdateItem own orders", "dynamodb:UpdateItem", ownOrders, [USER_A]],
    ["DeleteItem own orders", "dynamodb:DeleteItem", ownOrders, [USER_A]],
    ["PutItem own tenant row", "dynamodb:PutItem", tenants, ["tenant1"]],
    ["BatchGetItem own orders", "dynamodb:BatchGetItem", ownOrders, [USER_A]],
    ["GetItem without LeadingKeys (orders)", "dynamodb:GetItem", ownOrders, undefined],
    ["Query without LeadingKeys (tenants)", "dynamodb:Query", tenants, undefined],
    ["the connections table", "dynamodb:GetItem", names.connectionsTable, [USER_A]],
  ])("denies %s", async (_label, action, table, keys) => {
    await expect(asUserA(action, table, keys as string[] | undefined)).resolves.not.toBe("Allowed");
  });

  describe("the usage table (I23: own counters only)", () => {
    const usage = names.usageTable;
    const own = `tenant1#${USER_A}`;

    it("allows a Query of the caller's own partition", async () => {
      await expect(asUserA("dynamodb:Query", usage, [own])).resolves.toBe("Allowed");
    });

    it.each([
      ["another user's partition, same tenant", "dynamodb:Query", [`tenant1#${USER_B}`]],
      ["own sub under another tenant", "dynamodb:Query", [`tenant2#${USER_A}`]],
      ["another tenant's user", "dynamodb:Query", [`tenant2#${USER_B}`]],
      ["the tenant's own counters", "dynamodb:Query", ["tenant1"]],
      ["the sub alone", "dynamodb:Query", [USER_A]],
      ["own key and another's at once", "dynamodb:Query", [own, `tenant1#${USER_B}`]],
      ["GetItem (no tool needs it)", "dynamodb:GetItem", [own]],
      ["Scan", "dynamodb:Scan", undefined],
      ["no LeadingKeys", "dynamodb:Query", undefined],
      ["UpdateItem own counter (a user must not reset it)", "dynamodb:UpdateItem", [own]],
      ["PutItem own counter", "dynamodb:PutItem", [own]],
      ["DeleteItem own counter", "dynamodb:DeleteItem", [own]],
    ])("denies %s", async (_label, action, keys) => {
      await expect(asUserA(action, usage, keys as string[] | undefined)).resolves.not.toBe("Allowed");
    });

    it("follows the session tags: tenant2's user reads only tenant2#<own sub>", async () => {
      const tags = { tenantId: "tenant2", userId: USER_B };
      await expect(asUserA("dynamodb:Query", usage, [`tenant2#${USER_B}`], tags)).resolves.toBe("Allowed");
      await expect(asUserA("dynamodb:Query", usage, [own], tags)).resolves.not.toBe("Allowed");
    });

    it("denies without either tag", async () => {
      for (const tags of [{ tenantId: "tenant1" }, { userId: USER_A }] as unknown as Array<{ tenantId: string; userId: string }>) {
        await expect(asUserA("dynamodb:Query", usage, [own], tags)).resolves.not.toBe("Allowed");
      }
    });
  });

  it("denies when the tenantId principal tag is missing", async () => {
    await expect(
      asUserA("dynamodb:GetItem", names.tenantsTable, ["tenant1"], { tenantId: undefined as unknown as string, userId: USER_A }),
    ).resolves.not.toBe("Allowed");
    // The orders ARN cannot resolve without the tag either.
    await expect(
      asUserA("dynamodb:Query", ownOrders, [USER_A], { tenantId: undefined as unknown as string, userId: USER_A }),
    ).resolves.not.toBe("Allowed");
  });

  it("denies when the userId principal tag is missing", async () => {
    await expect(
      asUserA("dynamodb:Query", ownOrders, [USER_A], { tenantId: "tenant1", userId: undefined as unknown as string }),
    ).resolves.not.toBe("Allowed");
  });

  it("follows the session tags, not the table name: tenant2's session reads tenant2 only", async () => {
    const tags = { tenantId: "tenant2", userId: USER_B };
    await expect(asUserA("dynamodb:Query", otherOrders, [USER_B], tags)).resolves.toBe("Allowed");
    await expect(asUserA("dynamodb:Query", ownOrders, [USER_B], tags)).resolves.not.toBe("Allowed");
  });

  it("keeps the policy variables literal and has no Scan or write action anywhere", () => {
    const text = JSON.stringify(tenantPolicy);
    expect(text).toContain("${aws:PrincipalTag/tenantId}");
    expect(text).toContain("${aws:PrincipalTag/userId}");
    const actions = tenantPolicy.Statement.flatMap((s) => [s.Action].flat());
    expect(new Set(actions)).toEqual(new Set(["dynamodb:GetItem", "dynamodb:Query"]));
    for (const statement of tenantPolicy.Statement) {
      expect(statement.Effect).toBe("Allow");
      expect(statement.Resource).not.toMatch(/\*/);
      expect(statement.Condition?.["ForAllValues:StringEquals"]?.["dynamodb:LeadingKeys"]).toBeDefined();
      expect(statement.Condition?.Null?.["dynamodb:LeadingKeys"]).toBe("false");
      expect(statement.Condition?.Null?.["aws:PrincipalTag/tenantId"]).toBe("false");
      expect(JSON.stringify(statement.Condition)).not.toMatch(/StringLike/);
    }
  });
});

describe("actionGroupRolePolicy (I4)", () => {
  const asActionGroup = (action: string, resource: string, keys: string[]) =>
    simulate(actionGroupPolicy, {
      principal: ACTION_GROUP_SESSION,
      action,
      resource,
      context: { "dynamodb:LeadingKeys": keys },
    });

  it("may GetItem the connections table (to check a connection's owner)", async () => {
    await expect(asActionGroup("dynamodb:GetItem", arn(names.connectionsTable), ["conn-1"])).resolves.toBe("Allowed");
  });

  it.each([
    ["GetItem tenants", "dynamodb:GetItem", names.tenantsTable, ["tenant1"]],
    ["Query tenants", "dynamodb:Query", names.tenantsTable, ["tenant1"]],
    ["Scan tenants", "dynamodb:Scan", names.tenantsTable, []],
    ["GetItem orders", "dynamodb:GetItem", names.ordersTable("tenant1"), [USER_A]],
    ["Query orders", "dynamodb:Query", names.ordersTable("tenant1"), [USER_A]],
    ["Query other tenant orders", "dynamodb:Query", names.ordersTable("tenant2"), [USER_B]],
    ["PutItem connections", "dynamodb:PutItem", names.connectionsTable, ["conn-1"]],
  ])("is denied %s", async (_label, action, table, keys) => {
    await expect(asActionGroup(action, arn(table), keys)).resolves.not.toBe("Allowed");
  });

  it("posts to connections of its own API stage only", async () => {
    const own = "arn:aws:execute-api:us-east-1:123456789012:abc123/test/POST/@connections/conn-1";
    const otherApi = "arn:aws:execute-api:us-east-1:123456789012:zzz999/test/POST/@connections/conn-1";
    const otherStage = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/@connections/conn-1";
    const post = (resource: string) =>
      simulate(actionGroupPolicy, { principal: ACTION_GROUP_SESSION, action: "execute-api:ManageConnections", resource });
    await expect(post(own)).resolves.toBe("Allowed");
    await expect(post(otherApi)).resolves.not.toBe("Allowed");
    await expect(post(otherStage)).resolves.not.toBe("Allowed");
  });

  it("may only POST to connections: GetConnection (GET) and DeleteConnection (DELETE) are denied", async () => {
    const manage = (method: string) =>
      simulate(actionGroupPolicy, {
        principal: ACTION_GROUP_SESSION,
        action: "execute-api:ManageConnections",
        resource: `arn:aws:execute-api:us-east-1:123456789012:abc123/test/${method}/@connections/conn-1`,
      });
    await expect(manage("POST")).resolves.toBe("Allowed");
    await expect(manage("GET")).resolves.not.toBe("Allowed");
    await expect(manage("DELETE")).resolves.not.toBe("Allowed");
  });

  it("mentions neither the tenants table nor any orders table", () => {
    const text = JSON.stringify(actionGroupPolicy);
    expect(text).not.toContain(names.tenantsTable);
    expect(text).not.toContain(names.ordersTablePrefix);
    expect(text).not.toContain("sts:AssumeRole");
  });
});

describe("chatRolePolicy", () => {
  const asChat = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    simulate(chatPolicy, { principal: CHAT_SESSION, action, resource, context });

  it("can AssumeRole and TagSession the tenant-access role, and nothing else", async () => {
    await expect(asChat("sts:AssumeRole", TENANT_ACCESS_ROLE_ARN)).resolves.toBe("Allowed");
    await expect(
      asChat("sts:TagSession", TENANT_ACCESS_ROLE_ARN, { "aws:TagKeys": ["tenantId", "userId"] }),
    ).resolves.toBe("Allowed");
    await expect(asChat("sts:AssumeRole", "arn:aws:iam::123456789012:role/admin")).resolves.not.toBe("Allowed");
  });

  it("manages its connections table by key only, and no tenant data", async () => {
    const table = arn(names.connectionsTable);
    for (const action of ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"]) {
      await expect(asChat(action, table, { "dynamodb:LeadingKeys": ["c1"] })).resolves.toBe("Allowed");
    }
    // Nothing in lambdas/chat queries the table or its userId index: no grant for either.
    await expect(asChat("dynamodb:Query", table, { "dynamodb:LeadingKeys": ["c1"] })).resolves.not.toBe("Allowed");
    await expect(asChat("dynamodb:Query", `${table}/index/byUserId`)).resolves.not.toBe("Allowed");
    await expect(asChat("dynamodb:GetItem", `${table}/index/byUserId`)).resolves.not.toBe("Allowed");
    await expect(asChat("dynamodb:GetItem", arn(names.tenantsTable), { "dynamodb:LeadingKeys": ["tenant1"] })).resolves.not.toBe(
      "Allowed",
    );
    await expect(
      asChat("dynamodb:Query", arn(names.ordersTable("tenant1")), { "dynamodb:LeadingKeys": [USER_A] }),
    ).resolves.not.toBe("Allowed");
    await expect(asChat("dynamodb:Scan", table)).resolves.not.toBe("Allowed");
  });

  it("invokes its own agent alias and its own function only", async () => {
    await expect(
      asChat("bedrock:InvokeAgent", "arn:aws:bedrock:us-east-1:123456789012:agent-alias/AGENT12345/ALIAS12345"),
    ).resolves.toBe("Allowed");
    await expect(
      asChat("bedrock:InvokeAgent", "arn:aws:bedrock:us-east-1:123456789012:agent-alias/OTHER12345/ALIAS12345"),
    ).resolves.not.toBe("Allowed");
    const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
    await expect(asChat("lambda:InvokeFunction", fn(names.functionName("chat")))).resolves.toBe("Allowed");
    await expect(asChat("lambda:InvokeFunction", fn(names.functionName("action-group")))).resolves.not.toBe("Allowed");
  });

  it("may POST to, and hang up on (a refused renewal), its API stage's connections only: GET is denied", async () => {
    const manage = (method: string, api = "abc123", stage = "test") =>
      asChat("execute-api:ManageConnections", `arn:aws:execute-api:us-east-1:123456789012:${api}/${stage}/${method}/@connections/conn-1`);
    await expect(manage("POST")).resolves.toBe("Allowed");
    await expect(manage("DELETE")).resolves.toBe("Allowed");
    await expect(manage("GET")).resolves.not.toBe("Allowed");
    await expect(manage("POST", "zzz999")).resolves.not.toBe("Allowed");
    await expect(manage("DELETE", "zzz999")).resolves.not.toBe("Allowed");
    await expect(manage("DELETE", "abc123", "prod")).resolves.not.toBe("Allowed");
  });

  it("writes to its own log group only", async () => {
    const group = `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${names.functionName("chat")}:log-stream:x`;
    const other = `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${names.functionName("authorizer")}:log-stream:x`;
    await expect(asChat("logs:PutLogEvents", group)).resolves.toBe("Allowed");
    await expect(asChat("logs:PutLogEvents", other)).resolves.not.toBe("Allowed");
  });
});

describe("tenantAccessTrustPolicy", () => {
  const TENANT_IDS = ["tenant1", "tenant2", "tenant3"];
  const trust = tenantAccessTrustPolicy(CHAT_ROLE_ARN, TENANT_IDS);

  it("admits only the chat role, with sts:TagSession, exactly the two tag keys, pinned values, and a Null guard", () => {
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement.Effect).toBe("Allow");
    expect(statement.Principal).toEqual({ AWS: CHAT_ROLE_ARN });
    expect(new Set([statement.Action].flat())).toEqual(new Set(["sts:AssumeRole", "sts:TagSession"]));
    expect(statement.Condition?.["ForAllValues:StringEquals"]).toEqual({ "aws:TagKeys": ["tenantId", "userId"] });
    expect(statement.Condition?.Null).toEqual({ "aws:RequestTag/tenantId": "false", "aws:RequestTag/userId": "false" });
    expect(statement.Condition?.StringEquals).toEqual({ "aws:RequestTag/tenantId": TENANT_IDS });
    expect(statement.Condition?.StringLike).toEqual({ "aws:RequestTag/userId": "????????-????-????-????-????????????" });
  });

  it("refuses to build without tenants or with a tenant id that is not a plain name", () => {
    expect(() => tenantAccessTrustPolicy(CHAT_ROLE_ARN, [])).toThrow(TrustPolicyInputError);
    expect(() => tenantAccessTrustPolicy(CHAT_ROLE_ARN, ["tenant*"])).toThrow(/not a plain name/);
    expect(() => tenantAccessTrustPolicy(CHAT_ROLE_ARN, ["t?"])).toThrow(TrustPolicyInputError);
  });

  // Evaluated as the role's resource policy; the caller's identity policy allows sts:* so
  // any denial comes from the trust policy.
  const callerPolicy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: "*" }],
  };
  const tagSession = (principal: string, context: Record<string, string | string[]>) =>
    simulate(callerPolicy, { principal, action: "sts:TagSession", resource: TENANT_ACCESS_ROLE_ARN, context }, trust);
  const goodTags = {
    "aws:TagKeys": ["tenantId", "userId"],
    "aws:RequestTag/tenantId": "tenant1",
    "aws:RequestTag/userId": USER_A,
  };

  it("lets the chat role tag a session with tenantId and userId", async () => {
    await expect(tagSession(CHAT_SESSION, goodTags)).resolves.toBe("Allowed");
  });

  it("refuses another role", async () => {
    await expect(tagSession(ACTION_GROUP_SESSION, goodTags)).resolves.not.toBe("Allowed");
  });

  it("refuses an extra tag key and a missing tag", async () => {
    await expect(
      tagSession(CHAT_SESSION, { ...goodTags, "aws:TagKeys": ["tenantId", "userId", "admin"], "aws:RequestTag/admin": "1" }),
    ).resolves.not.toBe("Allowed");
    const { "aws:RequestTag/userId": _dropped, ...withoutUser } = goodTags;
    await expect(tagSession(CHAT_SESSION, { ...withoutUser, "aws:TagKeys": ["tenantId"] })).resolves.not.toBe("Allowed");
  });

  // A compromised chat role still cannot mint a session for a tenant that is not
  // configured, a wildcard tenant, or a userId that is not a Cognito sub.
  it.each([
    ["tenantId \"*\"", { "aws:RequestTag/tenantId": "*" }],
    ["an unconfigured tenant", { "aws:RequestTag/tenantId": "tenant9" }],
    ["a configured tenant id with a suffix", { "aws:RequestTag/tenantId": "tenant1-x" }],
    ["an empty tenantId", { "aws:RequestTag/tenantId": "" }],
    ["userId \"*\"", { "aws:RequestTag/userId": "*" }],
    ["a userId that is not sub-shaped", { "aws:RequestTag/userId": "admin" }],
    ["a sub-shaped userId with a suffix", { "aws:RequestTag/userId": `${USER_A}x` }],
  ])("refuses %s, for AssumeRole and TagSession alike", async (_label, override) => {
    const context = { ...goodTags, ...override };
    await expect(tagSession(CHAT_SESSION, context)).resolves.not.toBe("Allowed");
    await expect(
      simulate(callerPolicy, { principal: CHAT_SESSION, action: "sts:AssumeRole", resource: TENANT_ACCESS_ROLE_ARN, context }, trust),
    ).resolves.not.toBe("Allowed");
  });

  it("still lets the chat role mint an honest session for each configured tenant", async () => {
    for (const tenantId of TENANT_IDS) {
      const context = { ...goodTags, "aws:RequestTag/tenantId": tenantId, "aws:RequestTag/userId": USER_B };
      await expect(tagSession(CHAT_SESSION, context)).resolves.toBe("Allowed");
      await expect(
        simulate(callerPolicy, { principal: CHAT_SESSION, action: "sts:AssumeRole", resource: TENANT_ACCESS_ROLE_ARN, context }, trust),
      ).resolves.toBe("Allowed");
    }
  });
});

describe("the remaining documents", () => {
  it("lambdaTrustPolicy admits only the Lambda service", () => {
    expect(lambdaTrustPolicy().Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  it("authorizerRolePolicy grants logs and nothing else", () => {
    const policy = authorizerRolePolicy(ctx, { functionName: names.functionName("authorizer") });
    const actions = policy.Statement.flatMap((s) => [s.Action].flat());
    expect(actions.every((a) => a.startsWith("logs:"))).toBe(true);
  });

  it("agentTrustPolicy admits Bedrock for this account only", () => {
    const [statement] = agentTrustPolicy(ctx).Statement;
    expect(statement.Principal).toEqual({ Service: "bedrock.amazonaws.com" });
    expect(statement.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": "arn:aws:bedrock:us-east-1:123456789012:agent/*" },
    });
  });

  it("agentTrustPolicy admits Bedrock acting for an agent of this account and region, not another source", async () => {
    const trust = agentTrustPolicy(ctx);
    const assume = (context: Record<string, string>) =>
      simulate(
        { Version: "2012-10-17", Statement: [] },
        { principal: "bedrock.amazonaws.com", action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/agent", context },
        trust,
      );
    const ours = { "aws:SourceAccount": "123456789012", "aws:SourceArn": "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT12345" };
    await expect(assume(ours)).resolves.toBe("Allowed");
    await expect(assume({ ...ours, "aws:SourceArn": "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB1" })).resolves.not.toBe("Allowed");
    await expect(assume({ ...ours, "aws:SourceArn": "arn:aws:bedrock:eu-west-1:123456789012:agent/AGENT12345" })).resolves.not.toBe("Allowed");
    await expect(assume({ "aws:SourceAccount": "123456789012" })).resolves.not.toBe("Allowed");
    await expect(assume({ ...ours, "aws:SourceAccount": "999999999999" })).resolves.not.toBe("Allowed");
  });

  it("connectionsManagementArn is scoped to one API and stage", () => {
    expect(connectionsManagementArn(ctx, "abc123", "dev")).toBe(
      "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/@connections/*",
    );
  });
});

describe("the limits table (per-user ask counters)", () => {
  const limits = arn(names.limitsTable);
  const counterKey = [`asks#${USER_A}#29000000`];

  it("the chat role may UpdateItem it, and do nothing else there", async () => {
    const asChat = (action: string, resource = limits) =>
      simulate(chatPolicy, { principal: CHAT_SESSION, action, resource, context: { "dynamodb:LeadingKeys": counterKey } });
    await expect(asChat("dynamodb:UpdateItem")).resolves.toBe("Allowed");
    for (const action of ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:Scan"]) {
      await expect(asChat(action)).resolves.not.toBe("Allowed");
    }
    // The UpdateItem grant is for the limits table only.
    await expect(asChat("dynamodb:UpdateItem", arn(names.connectionsTable))).resolves.not.toBe("Allowed");
    await expect(asChat("dynamodb:UpdateItem", arn(names.tenantsTable))).resolves.not.toBe("Allowed");
    await expect(asChat("dynamodb:UpdateItem", arn(names.ordersTable("tenant1")))).resolves.not.toBe("Allowed");
  });

  it("the chat role may GetItem stop markers (stop#…) and no counter (I16)", async () => {
    const getAs = (keys: string[]) =>
      simulate(chatPolicy, { principal: CHAT_SESSION, action: "dynamodb:GetItem", resource: limits, context: { "dynamodb:LeadingKeys": keys } });
    await expect(getAs([`stop#${USER_A}.answer-1`])).resolves.toBe("Allowed");
    await expect(getAs(counterKey)).resolves.not.toBe("Allowed");
    await expect(getAs([`stop#${USER_A}.a`, counterKey[0]])).resolves.not.toBe("Allowed");
    await expect(
      simulate(chatPolicy, { principal: CHAT_SESSION, action: "dynamodb:GetItem", resource: arn(names.tenantsTable), context: { "dynamodb:LeadingKeys": [`stop#${USER_A}.a`] } }),
    ).resolves.not.toBe("Allowed");
    await expect(
      simulate(chatPolicy, { principal: CHAT_SESSION, action: "dynamodb:Query", resource: limits, context: { "dynamodb:LeadingKeys": [`stop#${USER_A}.a`] } }),
    ).resolves.not.toBe("Allowed");
  });

  it("neither the action-group role nor a tenant-access session may touch it", async () => {
    for (const action of ["dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:PutItem"]) {
      await expect(
        simulate(actionGroupPolicy, { principal: ACTION_GROUP_SESSION, action, resource: limits, context: { "dynamodb:LeadingKeys": counterKey } }),
      ).resolves.not.toBe("Allowed");
      await expect(asUserA(action, names.limitsTable, counterKey)).resolves.not.toBe("Allowed");
    }
  });
});

describe("the usage table (budgets I21, metering I22)", () => {
  const usage = arn(names.usageTable);
  const keys = [`tenant1#${USER_A}`];
  const asChat = (action: string, resource = usage) =>
    simulate(chatPolicy, { principal: CHAT_SESSION, action, resource, context: { "dynamodb:LeadingKeys": keys } });

  it("the chat role may UpdateItem (reserve, count) and PutItem (answer record) it, nothing else there", async () => {
    await expect(asChat("dynamodb:UpdateItem")).resolves.toBe("Allowed");
    await expect(asChat("dynamodb:PutItem")).resolves.toBe("Allowed");
    for (const action of ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem"]) {
      await expect(asChat(action)).resolves.not.toBe("Allowed");
    }
  });

  it("the grant is for the usage table only", async () => {
    for (const table of [names.tenantsTable, names.ordersTable("tenant1"), names.limitsTable, names.revocationsTable]) {
      await expect(asChat("dynamodb:PutItem", arn(table))).resolves.not.toBe("Allowed");
    }
    await expect(asChat("dynamodb:PutItem", arn(`${names.usageTable}-other`))).resolves.not.toBe("Allowed");
  });

  it("the action-group role may not touch it", async () => {
    for (const action of ["dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query"]) {
      await expect(
        simulate(actionGroupPolicy, { principal: ACTION_GROUP_SESSION, action, resource: usage, context: { "dynamodb:LeadingKeys": keys } }),
      ).resolves.not.toBe("Allowed");
    }
  });
});

describe("agentRolePolicy (the agent's model grant) evaluated with iam-simulate", () => {
  const AGENT = "arn:aws:sts::123456789012:assumed-role/agent/x";
  const SONNET = "anthropic.claude-sonnet-4-6";
  const fm = (region: string, id = SONNET, partition = "aws") => `arn:${partition}:bedrock:${region}::foundation-model/${id}`;
  const profile = (id: string, region = "us-east-1") => `arn:aws:bedrock:${region}:123456789012:inference-profile/${id}`;
  const call = (policy: PolicyDocument, action: string, resource: string, viaProfile?: string) =>
    simulate(policy, { principal: AGENT, action, resource, context: viaProfile ? { "bedrock:InferenceProfileArn": viaProfile } : {} });

  it("a foundation model: invoke and stream it in the stack's Region, nothing else", async () => {
    const id = "anthropic.claude-3-haiku-20240307-v1:0";
    const policy = agentRolePolicy(ctx, { model: parseModelReference(id) });
    await expect(call(policy, "bedrock:InvokeModel", fm("us-east-1", id))).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModelWithResponseStream", fm("us-east-1", id))).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-west-2", id))).resolves.not.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-east-1", "anthropic.claude-3-opus-20240229-v1:0"))).resolves.not.toBe("Allowed");
    await expect(call(policy, "bedrock:GetInferenceProfile", profile(`us.${id}`))).resolves.not.toBe("Allowed");
  });

  it("a geographic profile: the profile, reading it, and the model in each Region of the geography only through it", async () => {
    const id = `us.${SONNET}`;
    const policy = agentRolePolicy(ctx, { model: parseModelReference(id) });
    await expect(call(policy, "bedrock:InvokeModel", profile(id))).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModelWithResponseStream", profile(id))).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:GetInferenceProfile", profile(id))).resolves.toBe("Allowed");
    for (const region of ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]) {
      await expect(call(policy, "bedrock:InvokeModelWithResponseStream", fm(region), profile(id))).resolves.toBe("Allowed");
    }
    // Not outside the geography, not directly (without the profile), not through another profile, not another model.
    await expect(call(policy, "bedrock:InvokeModel", fm("eu-west-1"), profile(id))).resolves.not.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-east-2"))).resolves.not.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-east-2"), profile(`global.${SONNET}`))).resolves.not.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-east-2", "anthropic.claude-opus-4-6-v1"), profile(id))).resolves.not.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", profile(`us.anthropic.claude-opus-4-6-v1`))).resolves.not.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-east-1", id))).resolves.not.toBe("Allowed");
  });

  it("a global profile: the profile, the source Region's model and the Region-less model ARN, only through it", async () => {
    const id = `global.${SONNET}`;
    const policy = agentRolePolicy(ctx, { model: parseModelReference(id) });
    await expect(call(policy, "bedrock:InvokeModel", profile(id))).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:GetInferenceProfile", profile(id))).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-east-1"), profile(id))).resolves.toBe("Allowed");
    // iam-simulate cannot type a Region-less ARN (its bedrock resource patterns require a
    // Region), so that grant is read: the same statement, under the same profile condition.
    const routed = policy.Statement.find((s) => s.Sid === "RoutedFoundationModels");
    expect(routed).toEqual({
      Sid: "RoutedFoundationModels",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      Resource: [fm("us-east-1"), `arn:aws:bedrock:::foundation-model/${SONNET}`],
      Condition: { StringEquals: { "bedrock:InferenceProfileArn": profile(id) } },
    });
    await expect(call(policy, "bedrock:InvokeModel", fm("eu-west-1"), profile(id))).resolves.not.toBe("Allowed");
  });

  it("an application profile: the profile and exactly the model ARNs Bedrock lists for it", async () => {
    const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";
    const models = [fm("us-east-1"), fm("us-west-2")];
    const policy = agentRolePolicy(ctx, { model: parseModelReference(arn), applicationProfileModelArns: models });
    await expect(call(policy, "bedrock:InvokeModel", arn)).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:GetInferenceProfile", arn)).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-west-2"), arn)).resolves.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-east-2"), arn)).resolves.not.toBe("Allowed");
    await expect(call(policy, "bedrock:InvokeModel", fm("us-west-2"))).resolves.not.toBe("Allowed");
    expect(() => agentRolePolicy(ctx, { model: parseModelReference(arn) })).toThrow(/lists no models/);
    const foreign = "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/a1b2c3d4e5f6";
    expect(() => agentRolePolicy(ctx, { model: parseModelReference(foreign), applicationProfileModelArns: models })).toThrow(/not an application inference profile of account 123456789012/);
  });

  it("uses the stack's partition in every ARN, and refuses a profile the stack's Region cannot call", () => {
    const cn: AwsContext = { partition: "aws-cn", region: "cn-north-1", accountId: "123456789012" };
    const text = JSON.stringify(agentRolePolicy(cn, { model: parseModelReference(`global.${SONNET}`) }));
    expect(text).toContain(`"arn:aws-cn:bedrock:::foundation-model/${SONNET}"`);
    expect(text).not.toMatch(/arn:aws:/);
    expect(() => agentRolePolicy({ ...ctx, region: "eu-west-1" }, { model: parseModelReference(`us.${SONNET}`) })).toThrow(/cannot be called from eu-west-1/);
  });
});
