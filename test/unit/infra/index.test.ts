/**
 * The whole Pulumi program under runtime mocks: every resource is recorded with its
 * resolved inputs, then the wiring and the infrastructure invariants are asserted.
 * No CLI, no provider plugins, no AWS, and no dist bundles are needed.
 */
import * as pulumi from "@pulumi/pulumi";
import { PULUMI_SECRET_PLACEHOLDER, SECRET_OUTPUT, StackOutputs, withoutSecretPlaceholder } from "../../../local/runtime/stack-outputs";
import { actionGroupFunctions } from "../../../infra/agent-function-schema";
import { AGENT_INSTRUCTION } from "../../../infra/agent-instruction";
import { toEnvironment as actionGroupEnvironment } from "../../../lambdas/action-group/config";
import { toEnvironment as authorizerEnvironment } from "../../../lambdas/authorizer/config";
import { toEnvironment as chatEnvironment } from "../../../lambdas/chat/config";
import { parseStackConfig } from "../../../infra/config";
import { offboardingEventPattern } from "../../../infra/offboarding-rule";
import { FUNCTION_SETTINGS } from "../../../infra/function-settings";
import { APP_PROTOCOL, FUNCTION_NAMES, stackNames } from "../../../infra/naming";
import { createUserPoolSettings, passwordPolicyFor } from "../../../infra/user-pool-settings";
import { tableDefinitions } from "../../../local/dynamodb/tables";
import {
  actionGroupRolePolicy,
  chatRolePolicy,
  connectionsManagementArn,
  tenantAccessPolicy,
  tenantAccessTrustPolicy,
  type AwsContext,
  type PolicyDocument,
} from "../../../infra/policies";
import {
  installMocks,
  MOCK_ACCOUNT,
  MOCK_AGENT_ID,
  MOCK_ALIAS_ID,
  MOCK_KNOWLEDGE_BASE_ID,
  MOCK_DATA_SOURCE_ID,
  MOCK_API_ID,
  MOCK_REGION,
  outputValue,
  settled,
  violationsOf,
  type RecordedResource,
} from "./pulumi-mocks";

const PROJECT = "multi-tenant-assistant";
const STAGE = "dev";
const names = stackNames(PROJECT, STAGE, MOCK_REGION);
const ctx: AwsContext = { partition: "aws", region: MOCK_REGION, accountId: MOCK_ACCOUNT };
const TENANTS = [
  { id: "tenant1", displayName: "Tenant One", returnPolicyDays: 10, users: ["tenant1-user"] },
  { id: "tenant2", displayName: "Tenant Two", returnPolicyDays: 20, users: ["tenant2-user", "tenant2-admin"] },
];
const MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0";

let resources: RecordedResource[];
let outputs: Record<string, unknown>;
/** The names of the program's secret outputs (pulumi.isSecret). */
let secretOutputs: string[];

const ofType = (type: string) => resources.filter((r) => r.type === type);
const one = (type: string, name: string) => {
  const found = resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} "${name}", found ${found.length}`);
  return found[0];
};
const policyOf = (resource: RecordedResource, key = "policy"): PolicyDocument => JSON.parse(resource.inputs[key]);
const fnArn = (fn: string) => `arn:aws:lambda:${MOCK_REGION}:${MOCK_ACCOUNT}:function:${fn}`;
const invokeArnOf = (fn: string) =>
  `arn:aws:apigateway:${MOCK_REGION}:lambda:path/2015-03-31/functions/${fnArn(fn)}/invocations`;

beforeAll(async () => {
  resources = await installMocks(PROJECT, STAGE);
  pulumi.runtime.setAllConfig({
    "aws:region": MOCK_REGION,
    [`${PROJECT}:tenants`]: JSON.stringify(TENANTS),
    [`${PROJECT}:modelId`]: MODEL_ID,
    [`${PROJECT}:logRetentionDays`]: "30",
    [`${PROJECT}:pointInTimeRecovery`]: "true",
    [`${PROJECT}:deletionProtection`]: "true",
    [`${PROJECT}:throttle`]: JSON.stringify({ burstLimit: 7, rateLimit: 3 }),
    // askThrottle left out: its default is half the stage's.
    [`${PROJECT}:askRateLimit`]: JSON.stringify({ perUserPerMinute: 12 }),
    // Only the authorizer reserved: shows both the set and the unset case.
    [`${PROJECT}:reservedConcurrency`]: JSON.stringify({ authorizer: 5 }),
    [`${PROJECT}:logLevel`]: "DEBUG",
    // Not the default (15), so a lifetime that ignores the setting shows.
    [`${PROJECT}:tokenValidityMinutes`]: "20",
    // Not the default (3), so a policy that ignores the setting shows.
    [`${PROJECT}:temporaryPasswordValidityDays`]: "5",
  });
  const program: Record<string, unknown> = await import("../../../infra/index");
  outputs = {};
  secretOutputs = [];
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = await outputValue(value as pulumi.Input<unknown>);
    if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) secretOutputs.push(key);
  }
  await settled(resources);
}, 30_000);

it("creates only resources AWS's documented rules accept (support/aws-rules.ts)", () => {
  expect(violationsOf(resources)).toEqual([]);
});

describe("conventions", () => {
  it("tags every resource through one provider with the stack's default tags (project, stage)", () => {
    const [provider] = ofType("pulumi:providers:aws");
    expect(ofType("pulumi:providers:aws")).toHaveLength(1);
    const defaultTags = typeof provider.inputs.defaultTags === "string" ? JSON.parse(provider.inputs.defaultTags) : provider.inputs.defaultTags;
    expect(defaultTags).toEqual({ tags: { project: PROJECT, stage: STAGE } });
    expect(provider.inputs.region).toBe(MOCK_REGION);
    const aws = resources.filter((r) => r.type.startsWith("aws:"));
    expect(aws.length).toBeGreaterThan(40);
    const untagged = aws.filter((r) => !r.provider?.startsWith(`urn:pulumi:${STAGE}::${PROJECT}::pulumi:providers:aws::aws::`)).map((r) => `${r.type} ${r.name}`);
    expect(untagged).toEqual([]);
  });

  it("tags each tenant's own resources with its tenant (cost allocation per tenant)", () => {
    for (const tenant of TENANTS) expect(one("aws:dynamodb/table:Table", `data-orders-${tenant.id}`).inputs.tags).toEqual({ tenant: tenant.id });
    for (const shared of ["data-tenants", "data-connections", "data-limits"]) expect(one("aws:dynamodb/table:Table", shared).inputs.tags).toBeUndefined();
  });
});

describe("stack outputs (docs/architecture.md §Stack outputs, I19)", () => {
  /** What `pulumi stack output --json` (no --show-secrets) writes: every secret output as "[secret]". */
  const asDocumented = () => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secretOutputs.includes(k) ? PULUMI_SECRET_PLACEHOLDER : v]));

  it("exports exactly the contract keys plus the one secret output, in the shape local/runtime/stack-outputs.ts loads", () => {
    expect(Object.keys(outputs).filter((k) => k !== SECRET_OUTPUT).sort()).toEqual(
      [
        "agentAliasId",
        "agentId",
        "connectionsTableName",
        "knowledgeBaseId",
        "knowledgeBucketName",
        "knowledgeDataSourceId",
        "offboardingFunctionName",
        "ordersTableNames",
        "region",
        "tenantsTableName",
        "userPoolClientId",
        "usageTableName",
        "userPoolId",
        "users",
        "webSocketProtocol",
        "webSocketUrl",
      ].sort(),
    );
    const parsed = StackOutputs.parse(withoutSecretPlaceholder("stack-outputs.json", asDocumented()));
    expect(parsed).toMatchObject({
      region: MOCK_REGION,
      webSocketUrl: `wss://${MOCK_API_ID}.execute-api.${MOCK_REGION}.amazonaws.com/${STAGE}`,
      webSocketProtocol: APP_PROTOCOL,
      tenantsTableName: names.tenantsTable,
      ordersTableNames: { tenant1: names.ordersTable("tenant1"), tenant2: names.ordersTable("tenant2") },
      connectionsTableName: names.connectionsTable,
      usageTableName: names.usageTable,
      offboardingFunctionName: names.functionName("offboarding"),
      agentId: MOCK_AGENT_ID,
      agentAliasId: MOCK_ALIAS_ID,
      knowledgeBaseId: MOCK_KNOWLEDGE_BASE_ID,
      knowledgeDataSourceId: MOCK_DATA_SOURCE_ID,
      knowledgeBucketName: "knowledge-documents-bucket",
      users: { "tenant1-user": "tenant1", "tenant2-user": "tenant2", "tenant2-admin": "tenant2" },
    });
    expect(parsed).not.toHaveProperty(SECRET_OUTPUT);
  });

  it("keeps every password in the one secret output: the documented outputs file holds none (I19)", () => {
    expect(secretOutputs).toEqual([SECRET_OUTPUT]);
    const passwords = Object.values(outputs[SECRET_OUTPUT] as Record<string, string>);
    expect(Object.keys(outputs[SECRET_OUTPUT] as object).sort()).toEqual(["tenant1-user", "tenant2-admin", "tenant2-user"]);
    const file = JSON.stringify(asDocumented());
    for (const password of passwords) expect(file).not.toContain(password);
    // The file `--show-secrets` would write is refused, not read.
    expect(() => withoutSecretPlaceholder("stack-outputs.json", outputs)).toThrow(/written with --show-secrets/);
  });
});

describe("identity (I7)", () => {
  it("has no self sign-up and an immutable custom:tenantId", () => {
    const pool = one("aws:cognito/userPool:UserPool", "identity-users");
    expect(pool.inputs.adminCreateUserConfig.allowAdminCreateUserOnly).toBe(true);
    const tenantAttribute = pool.inputs.schemas.find((s: { name: string }) => s.name === "tenantId");
    expect(tenantAttribute).toMatchObject({ attributeDataType: "String", mutable: false });
    expect(pool.inputs.passwordPolicy).toMatchObject({ minimumLength: 12, requireSymbols: true });
    expect(pool.inputs.deletionProtection).toBe("ACTIVE");
  });

  it("lets the app client read but not write custom:tenantId, with no secret and no user-existence leaks", () => {
    const client = one("aws:cognito/userPoolClient:UserPoolClient", "identity-web");
    expect(client.inputs.readAttributes).toContain("custom:tenantId");
    expect(client.inputs.writeAttributes.length).toBeGreaterThan(0); // empty would mean "all"
    expect(client.inputs.writeAttributes).not.toContain("custom:tenantId");
    expect(client.inputs.generateSecret).toBe(false);
    expect(client.inputs.preventUserExistenceErrors).toBe("ENABLED");
    // Sign-out revokes the refresh token (RevokeToken needs revocation on, I17/T44).
    expect(client.inputs.enableTokenRevocation).toBe(true);
    expect([...client.inputs.explicitAuthFlows].sort()).toEqual(
      ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"].sort(),
    );
  });

  it("gives ID and access tokens the configured lifetime in minutes, refresh tokens 12 hours (issue 11 item 3)", () => {
    const client = one("aws:cognito/userPoolClient:UserPoolClient", "identity-web");
    expect(client.inputs).toMatchObject({
      idTokenValidity: 20,
      accessTokenValidity: 20,
      refreshTokenValidity: 12,
      tokenValidityUnits: { idToken: "minutes", accessToken: "minutes", refreshToken: "hours" },
    });
  });

  it("creates each configured user in its tenant, silently, with a generated temporary password", () => {
    const users = ofType("aws:cognito/user:User");
    expect(users.map((u) => [u.inputs.username, u.inputs.attributes.tenantId]).sort()).toEqual([
      ["tenant1-user", "tenant1"],
      ["tenant2-admin", "tenant2"],
      ["tenant2-user", "tenant2"],
    ]);
    for (const user of users) {
      expect(user.inputs.messageAction).toBe("SUPPRESS");
      // Serialized as a secret: the password never appears in plain state or previews.
      expect(user.inputs.temporaryPassword).toMatchObject({ value: `Mock-Passw0rd!identity-password-${user.inputs.username}` });
      expect(user.inputs.userPoolId).toBe("identity-users-id");
    }
    for (const password of ofType("random:index/randomPassword:RandomPassword")) {
      expect(password.inputs).toMatchObject({ minLower: 1, minUpper: 1, minNumeric: 1, minSpecial: 1 });
      expect(password.inputs.length).toBeGreaterThanOrEqual(12);
    }
  });
});

describe("data", () => {
  it("creates the tenants table and seeds one item per tenant", () => {
    const tenants = one("aws:dynamodb/table:Table", "data-tenants");
    expect(tenants.inputs).toMatchObject({
      name: names.tenantsTable,
      hashKey: "tenantId",
      billingMode: "PAY_PER_REQUEST",
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    });
    const items = ofType("aws:dynamodb/tableItem:TableItem").map((i) => ({ ...i.inputs, item: JSON.parse(i.inputs.item) }));
    expect(items).toHaveLength(2);
    expect(items.find((i) => i.item.tenantId.S === "tenant2")).toEqual({
      tableName: names.tenantsTable,
      hashKey: "tenantId",
      item: {
        tenantId: { S: "tenant2" },
        displayName: { S: "Tenant Two" },
        returnPolicyDays: { N: "20" },
      },
    });
  });

  it("creates one orders table per tenant keyed by userId/orderId", () => {
    for (const tenant of TENANTS) {
      expect(one("aws:dynamodb/table:Table", `data-orders-${tenant.id}`).inputs).toMatchObject({
        name: names.ordersTable(tenant.id),
        hashKey: "userId",
        rangeKey: "orderId",
        billingMode: "PAY_PER_REQUEST",
      });
    }
  });

  it("creates the limits table: on demand, keyed by limitKey, expiring by ttl, never protected", () => {
    const limits = one("aws:dynamodb/table:Table", "data-limits");
    expect(limits.inputs).toMatchObject({
      name: names.limitsTable,
      hashKey: "limitKey",
      attributes: [{ name: "limitKey", type: "S" }],
      billingMode: "PAY_PER_REQUEST",
      ttl: { attributeName: "ttl", enabled: true },
      pointInTimeRecovery: { enabled: false },
      deletionProtectionEnabled: false,
    });
    expect(limits.inputs.globalSecondaryIndexes).toBeUndefined();
  });

  it("creates the usage table: keyed by pk/sk, expiring by expiresAt, backed up and protected as the stack says", () => {
    expect(one("aws:dynamodb/table:Table", "data-usage").inputs).toMatchObject({
      name: names.usageTable,
      hashKey: "pk",
      rangeKey: "sk",
      attributes: [
        { name: "pk", type: "S" },
        { name: "sk", type: "S" },
      ],
      billingMode: "PAY_PER_REQUEST",
      ttl: { attributeName: "expiresAt", enabled: true },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
    });
  });

  it("creates the connections table with the byUserId index and a ttl attribute", () => {
    const connections = one("aws:dynamodb/table:Table", "data-connections");
    expect(connections.inputs).toMatchObject({
      name: names.connectionsTable,
      hashKey: "connectionId",
      ttl: { attributeName: "ttl", enabled: true },
    });
    expect(connections.inputs.globalSecondaryIndexes).toEqual([
      expect.objectContaining({ name: "byUserId", keySchemas: [{ attributeName: "userId", keyType: "HASH" }] }),
    ]);
  });
});

describe("the local stack's copies of AWS definitions", () => {
  it("creates the same tables with the same keys and index", () => {
    const local = tableDefinitions(names, parseStackConfig({ tenants: TENANTS }));
    const pulumiTables = ofType("aws:dynamodb/table:Table");
    expect(pulumiTables.map((t) => t.inputs.name).sort()).toEqual(local.map((t) => t.TableName).sort());
    for (const table of local) {
      const deployed = pulumiTables.find((t) => t.inputs.name === table.TableName)!.inputs;
      const keyOf = (type: string) => table.KeySchema!.find((k) => k.KeyType === type)?.AttributeName;
      expect({ table: table.TableName, hashKey: deployed.hashKey, rangeKey: deployed.rangeKey }).toEqual({
        table: table.TableName,
        hashKey: keyOf("HASH"),
        rangeKey: keyOf("RANGE"),
      });
      expect(deployed.attributes).toEqual(table.AttributeDefinitions!.map((a) => ({ name: a.AttributeName, type: a.AttributeType })));
      expect((deployed.globalSecondaryIndexes ?? []).map((i: { name: string; keySchemas: unknown }) => [i.name, i.keySchemas])).toEqual(
        (table.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.KeySchema!.map((k) => ({ attributeName: k.AttributeName, keyType: k.KeyType }))]),
      );
    }
  });

  it("creates the user pool with the password policy the local pool gets, with the configured temporary-password validity (I19)", () => {
    const policy = one("aws:cognito/userPool:UserPool", "identity-users").inputs.passwordPolicy;
    expect(policy.temporaryPasswordValidityDays).toBe(5);
    const local = createUserPoolSettings(passwordPolicyFor(5)).Policies.PasswordPolicy;
    expect(policy).toEqual({
      minimumLength: local.MinimumLength,
      requireLowercase: local.RequireLowercase,
      requireUppercase: local.RequireUppercase,
      requireNumbers: local.RequireNumbers,
      requireSymbols: local.RequireSymbols,
      temporaryPasswordValidityDays: local.TemporaryPasswordValidityDays,
    });
  });

  it.each(FUNCTION_NAMES)("deploys %s with the timeout, memory and handler the local Lambda runs it with", (fn) => {
    const settings = FUNCTION_SETTINGS[fn];
    expect(one("aws:lambda/function:Function", fn).inputs).toMatchObject({
      timeout: settings.timeoutSeconds,
      memorySize: settings.memoryMb,
      handler: settings.handler,
    });
  });
});

describe("isolation (I3 and I4)", () => {
  const chatRoleArn = `arn:aws:iam::${MOCK_ACCOUNT}:role/${names.functionRoleName("chat")}`;

  it("gives the tenant-access role exactly the tenantAccessPolicy: GetItem (and Query of orders), no Scan, no writes", () => {
    const policy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "isolation-tenant-access-policy"));
    expect(policy).toEqual(
      tenantAccessPolicy(ctx, { tenantsTableName: names.tenantsTable, ordersTablePrefix: names.ordersTablePrefix, usageTableName: names.usageTable }),
    );
    const actions = policy.Statement.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => !["dynamodb:GetItem", "dynamodb:Query"].includes(a))).toEqual([]);
    expect(JSON.stringify(policy)).toContain(`:table/${names.ordersTablePrefix}\${aws:PrincipalTag/tenantId}`);
  });

  it("lets only the chat role assume it, with TagSession and exactly the two tag keys", () => {
    const role = one("aws:iam/role:Role", "isolation-tenant-access");
    expect(role.inputs.name).toBe(names.tenantAccessRole);
    expect(role.inputs.maxSessionDuration).toBe(3600);
    const trust = policyOf(role, "assumeRolePolicy");
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Principal).toEqual({ AWS: chatRoleArn });
    expect(trust.Statement[0].Action).toEqual(expect.arrayContaining(["sts:AssumeRole", "sts:TagSession"]));
    expect(trust.Statement[0].Condition?.["ForAllValues:StringEquals"]).toEqual({ "aws:TagKeys": ["tenantId", "userId"] });
    // Tag values pinned to the configured tenants and a Cognito-sub-shaped userId.
    expect(trust).toEqual(tenantAccessTrustPolicy(chatRoleArn, TENANTS.map((t) => t.id)));
    expect(trust.Statement[0].Condition?.StringEquals).toEqual({ "aws:RequestTag/tenantId": TENANTS.map((t) => t.id) });
  });

  it("gives the action-group role no access to tenant data", () => {
    const policy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "action-group-policy"));
    expect(policy).toEqual(
      actionGroupRolePolicy(ctx, {
        functionName: names.functionName("action-group"),
        connectionsTableName: names.connectionsTable,
        apiId: MOCK_API_ID,
        stage: STAGE,
      }),
    );
    const text = JSON.stringify(policy);
    expect(text).not.toContain(names.tenantsTable);
    expect(text).not.toContain(names.ordersTablePrefix);
    expect(text).not.toContain("sts:");
  });

  it("scopes the chat role's @connections grant to this API and stage, and its InvokeAgent to this alias", () => {
    const policy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "chat-policy"));
    expect(policy).toEqual(
      chatRolePolicy(ctx, {
        functionName: names.functionName("chat"),
        connectionsTableName: names.connectionsTable,
        limitsTableName: names.limitsTable,
        revocationsTableName: names.revocationsTable,
        usageTableName: names.usageTable,
        tenantAccessRoleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${names.tenantAccessRole}`,
        agentId: MOCK_AGENT_ID,
        agentAliasId: MOCK_ALIAS_ID,
        apiId: MOCK_API_ID,
        stage: STAGE,
      }),
    );
    const manage = policy.Statement.find((s) => s.Action === "execute-api:ManageConnections");
    expect(manage?.Resource).toBe(connectionsManagementArn(ctx, MOCK_API_ID, STAGE));
    expect(manage?.Resource).toBe(`arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT}:${MOCK_API_ID}/${STAGE}/POST/@connections/*`);
  });

  it("lets the chat role UpdateItem the limits table, GetItem only its stop markers, and nothing more there", () => {
    const policy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "chat-policy"));
    const limitsArn = `arn:aws:dynamodb:${MOCK_REGION}:${MOCK_ACCOUNT}:table/${names.limitsTable}`;
    const onLimits = policy.Statement.filter((s) => [s.Resource].flat().some((r) => r?.startsWith(limitsArn)));
    expect(onLimits).toEqual([
      { Sid: "CountAsksPerUser", Effect: "Allow", Action: "dynamodb:UpdateItem", Resource: limitsArn },
      {
        Sid: "ReadStopRequests",
        Effect: "Allow",
        Action: "dynamodb:GetItem",
        Resource: limitsArn,
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["stop#*"] }, Null: { "dynamodb:LeadingKeys": "false" } },
      },
    ]);
    for (const other of ["action-group-policy", "authorizer-policy", "isolation-tenant-access-policy"]) {
      expect(JSON.stringify(policyOf(one("aws:iam/rolePolicy:RolePolicy", other)))).not.toContain(names.limitsTable);
    }
  });

  it("gives every function its own role, trusted by Lambda only", () => {
    for (const fn of FUNCTION_NAMES) {
      const role = one("aws:iam/role:Role", `function-roles-${fn}-role`);
      expect(policyOf(role, "assumeRolePolicy").Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
  });
});

describe("functions", () => {
  it.each(FUNCTION_NAMES)("deploys %s as arm64 nodejs22.x from its dist bundle with its own log group", async (fn) => {
    const lambda = one("aws:lambda/function:Function", fn);
    expect(lambda.inputs).toMatchObject({
      name: names.functionName(fn),
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      role: `arn:aws:iam::${MOCK_ACCOUNT}:role/${names.functionRoleName(fn)}`,
    });
    const code = lambda.inputs.code as pulumi.asset.FileArchive;
    expect(code).toBeInstanceOf(pulumi.asset.FileArchive);
    expect(await code.path).toMatch(new RegExp(`dist/lambdas/${fn}$`));
    const logGroup = one("aws:cloudwatch/logGroup:LogGroup", `${fn}-logs`);
    expect(logGroup.inputs).toEqual({ name: `/aws/lambda/${names.functionName(fn)}`, retentionInDays: 30 });
    expect(lambda.inputs.loggingConfig.logGroup).toBe(`/aws/lambda/${names.functionName(fn)}`);
  });

  it("never retries the chat function's async answer step, drops it after two minutes in the queue, and sends the record back to the chat function", () => {
    const asyncConfigs = resources.filter((r) => r.type === "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
    expect(asyncConfigs).toHaveLength(1);
    expect(asyncConfigs[0].inputs).toEqual({
      functionName: names.functionName("chat"),
      // A retry would answer twice; six hours in the queue (Lambda's default) would answer hours late.
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 120,
      // lambdas/chat/dropped-answer.ts tells the asker (answer_dropped).
      destinationConfig: { onFailure: { destination: fnArn(names.functionName("chat")) } },
    });
    // The chat role may invoke its destination (itself), and nothing else: I10.
    const chatPolicy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "chat-policy"));
    const invoke = chatPolicy.Statement.filter((st) => [st.Action].flat().includes("lambda:InvokeFunction"));
    expect(invoke.map((st) => st.Resource)).toEqual([fnArn(names.functionName("chat"))]);
  });

  it("gives each function the environment of the pure builders", () => {
    const env = (fn: string) => one("aws:lambda/function:Function", fn).inputs.environment.variables;
    const endpoint = `https://${MOCK_API_ID}.execute-api.${MOCK_REGION}.amazonaws.com/${STAGE}`;
    expect(env("authorizer")).toEqual(
      authorizerEnvironment(
        { userPoolId: "identity-users-id", clientId: "identity-web-id", tenantIds: new Set(["tenant1", "tenant2"]), appProtocol: APP_PROTOCOL },
        "DEBUG",
      ),
    );
    expect(env("chat")).toEqual(
      chatEnvironment({
        connectionsTableName: names.connectionsTable,
        tenantsTableName: names.tenantsTable,
        tenantAccessRoleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${names.tenantAccessRole}`,
        agentId: MOCK_AGENT_ID,
        agentAliasId: MOCK_ALIAS_ID,
        knowledgeBaseId: MOCK_KNOWLEDGE_BASE_ID,
        managementEndpoint: endpoint,
        appProtocol: APP_PROTOCOL,
        limitsTableName: names.limitsTable,
        asksPerUserPerMinute: 12,
        revocationsTableName: names.revocationsTable,
        usageTableName: names.usageTable,
        usageRetentionDays: 90,
        reserveTokensPerAnswer: 2000,
        budgets: {},
        idTokens: { userPoolId: "identity-users-id", clientId: "identity-web-id", tenantIds: new Set(["tenant1", "tenant2"]) },
        metricsNamespace: names.metricsNamespace,
      }, "DEBUG"),
    );
    expect(env("chat")).toMatchObject({ LIMITS_TABLE_NAME: names.limitsTable, ASKS_PER_USER_PER_MINUTE: "12" });
    expect(env("action-group")).toEqual(
      actionGroupEnvironment({
        tenantsTableName: names.tenantsTable,
        ordersTablePrefix: names.ordersTablePrefix,
        connectionsTableName: names.connectionsTable,
        managementEndpoint: endpoint,
        usageTableName: names.usageTable,
      }, "DEBUG"),
    );
    // The authorizer verifies against the AWS issuer: no local override on AWS.
    expect(env("authorizer")).not.toHaveProperty("JWKS_URI");
  });

  it("reserves concurrency only where configured (unset by default: new accounts cannot fit a reservation)", () => {
    const reserved = (fn: string) => one("aws:lambda/function:Function", fn).inputs.reservedConcurrentExecutions;
    expect(reserved("authorizer")).toBe(5);
    expect(reserved("chat")).toBeUndefined();
    expect(reserved("action-group")).toBeUndefined();
  });
});

describe("agent", () => {
  it("uses the configured model, the instruction module and a role limited to that model", () => {
    const agent = one("aws:bedrock/agentAgent:AgentAgent", "agent");
    expect(agent.inputs).toMatchObject({ foundationModel: MODEL_ID, instruction: AGENT_INSTRUCTION });
    expect(agent.inputs.agentResourceRoleArn).toBe(`arn:aws:iam::${MOCK_ACCOUNT}:role/${names.roleName("agent")}`);
    const policy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "agent-policy"));
    expect(policy.Statement[0].Resource).toBe(`arn:aws:bedrock:${MOCK_REGION}::foundation-model/${MODEL_ID}`);
    const trust = policyOf(one("aws:iam/role:Role", "agent-role"), "assumeRolePolicy");
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT },
      ArnLike: { "aws:SourceArn": `arn:aws:bedrock:${MOCK_REGION}:${MOCK_ACCOUNT}:agent/*` },
    });
  });

  it("builds the action group from TOOL_FUNCTIONS and backs it with the action-group function", () => {
    const group = one("aws:bedrock/agentAgentActionGroup:AgentAgentActionGroup", "agent-action-group");
    expect(group.inputs.agentId).toBe(MOCK_AGENT_ID);
    expect(group.inputs.actionGroupExecutor).toEqual({ lambda: fnArn(names.functionName("action-group")) });
    expect(group.inputs.functionSchema.memberFunctions.functions).toEqual(actionGroupFunctions());
    const parameterNames = group.inputs.functionSchema.memberFunctions.functions.flatMap(
      (f: { parameters?: { mapBlockKey: string }[] }) => (f.parameters ?? []).map((p) => p.mapBlockKey.toLowerCase()),
    );
    expect(parameterNames).not.toContain("tenantid");
    expect(parameterNames).not.toContain("userid");
  });

  it("offboarding (I17): the EventBridge rule on the pool's CloudTrail events targets the offboarding function, which only it may invoke", () => {
    const rule = one("aws:cloudwatch/eventRule:EventRule", "offboarding-events");
    expect(JSON.parse(rule.inputs.eventPattern)).toEqual(offboardingEventPattern());
    const target = one("aws:cloudwatch/eventTarget:EventTarget", "offboarding-events-target");
    expect(target.inputs.arn).toBe(fnArn(names.functionName("offboarding")));
    expect(one("aws:lambda/permission:Permission", "offboarding-events-invoke").inputs).toMatchObject({
      action: "lambda:InvokeFunction",
      function: names.functionName("offboarding"),
      principal: "events.amazonaws.com",
    });
    const policy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "offboarding-policy"));
    const text = JSON.stringify(policy);
    expect(text).toContain(`/${STAGE}/DELETE/@connections/*`);
    expect(text).not.toContain("/POST/@connections");
    expect(text).not.toContain(names.tenantsTable);
    expect(text).not.toContain(names.ordersTablePrefix);
    expect(text).toContain(names.revocationsTable);
    // offboardingTrail is off in this config: the rule relies on a trail the account already has.
    expect(ofType("aws:cloudtrail/trail:Trail")).toEqual([]);
  });

  it("lets only this agent invoke the action-group function, and publishes an alias", () => {
    const permission = one("aws:lambda/permission:Permission", "agent-invokes-action-group");
    expect(permission.inputs).toMatchObject({
      action: "lambda:InvokeFunction",
      function: names.functionName("action-group"),
      principal: "bedrock.amazonaws.com",
      sourceArn: `arn:aws:bedrock:${MOCK_REGION}:${MOCK_ACCOUNT}:agent/${MOCK_AGENT_ID}`,
      sourceAccount: MOCK_ACCOUNT,
    });
    expect(one("aws:bedrock/agentAgentAlias:AgentAgentAlias", "agent-alias").inputs.agentId).toBe(MOCK_AGENT_ID);
  });
});

describe("WebSocket API", () => {
  it("is a WEBSOCKET API selecting routes by $request.body.action", () => {
    expect(one("aws:apigatewayv2/api:Api", "websocket-api").inputs).toMatchObject({
      protocolType: "WEBSOCKET",
      routeSelectionExpression: "$request.body.action",
    });
  });

  it("runs the REQUEST authorizer on $connect only, with the Sec-WebSocket-Protocol identity source", () => {
    const authorizer = one("aws:apigatewayv2/authorizer:Authorizer", "websocket-routes-jwt-authorizer");
    expect(authorizer.inputs).toMatchObject({
      apiId: MOCK_API_ID,
      authorizerType: "REQUEST",
      identitySources: ["route.request.header.Sec-WebSocket-Protocol"],
      authorizerUri: invokeArnOf(names.functionName("authorizer")),
    });
    const routes = ofType("aws:apigatewayv2/route:Route");
    expect(routes.map((r) => r.inputs.routeKey).sort()).toEqual(["$connect", "$default", "$disconnect", "ask"]);
    for (const route of routes) {
      expect(route.inputs.target).toBe("integrations/websocket-routes-chat-id");
      if (route.inputs.routeKey === "$connect") {
        expect(route.inputs).toMatchObject({ authorizationType: "CUSTOM", authorizerId: authorizer.id });
      } else {
        expect(route.inputs.authorizationType).toBe("NONE");
        expect(route.inputs.authorizerId).toBeUndefined();
      }
    }
  });

  it("makes the frame routes (ask, $default) two-way with a $default route response, and only them", () => {
    const routes = ofType("aws:apigatewayv2/route:Route");
    const twoWay = routes.filter((r) => r.inputs.routeResponseSelectionExpression !== undefined);
    expect(twoWay.map((r) => r.inputs.routeKey).sort()).toEqual(["$default", "ask"]);
    for (const route of twoWay) expect(route.inputs.routeResponseSelectionExpression).toBe("$default");
    const responses = ofType("aws:apigatewayv2/routeResponse:RouteResponse");
    expect(responses.map((r) => r.inputs.routeId).sort()).toEqual(twoWay.map((r) => r.id).sort());
    for (const response of responses) expect(response.inputs).toMatchObject({ apiId: MOCK_API_ID, routeResponseKey: "$default" });
    // The stage's first automatic deployment waits for them like for the routes.
    expect(responses.map((r) => r.name).sort()).toEqual(["websocket-routes-route-response-default", "websocket-routes-route-response-ask"].sort());
  });

  it("proxies to the chat function and lets API Gateway invoke exactly the two functions", () => {
    expect(one("aws:apigatewayv2/integration:Integration", "websocket-routes-chat").inputs).toMatchObject({
      integrationType: "AWS_PROXY",
      integrationUri: invokeArnOf(names.functionName("chat")),
    });
    const execution = `arn:aws:execute-api:${MOCK_REGION}:${MOCK_ACCOUNT}:${MOCK_API_ID}`;
    expect(one("aws:lambda/permission:Permission", "websocket-routes-apigateway-invokes-chat").inputs).toMatchObject({
      function: names.functionName("chat"),
      principal: "apigateway.amazonaws.com",
      sourceArn: `${execution}/${STAGE}/*`,
    });
    expect(one("aws:lambda/permission:Permission", "websocket-routes-apigateway-invokes-authorizer").inputs).toMatchObject({
      function: names.functionName("authorizer"),
      principal: "apigateway.amazonaws.com",
      sourceArn: `${execution}/authorizers/websocket-routes-jwt-authorizer-id`,
    });
  });

  it("deploys a stage named after the Pulumi stack with throttling from config and no data tracing", () => {
    const stage = one("aws:apigatewayv2/stage:Stage", "websocket-routes-stage");
    expect(stage.inputs).toMatchObject({
      apiId: MOCK_API_ID,
      name: STAGE,
      autoDeploy: true,
      defaultRouteSettings: { throttlingBurstLimit: 7, throttlingRateLimit: 3, dataTraceEnabled: false },
    });
  });

  it("throttles the ask route harder than the stage (default: half), still without data tracing", () => {
    const stage = one("aws:apigatewayv2/stage:Stage", "websocket-routes-stage");
    expect(stage.inputs.routeSettings).toEqual([
      expect.objectContaining({ routeKey: "ask", throttlingBurstLimit: 3, throttlingRateLimit: 1.5, dataTraceEnabled: false }),
    ]);
  });

  it("writes no access logs unless the stack turns them on (they need an account-level role, docs/deploy.md)", () => {
    const stage = one("aws:apigatewayv2/stage:Stage", "websocket-routes-stage");
    expect(stage.inputs.accessLogSettings).toBeUndefined();
    expect(ofType("aws:cloudwatch/logGroup:LogGroup").filter((g) => g.name === "websocket-routes-access-logs")).toEqual([]);
    expect(ofType("aws:apigateway/account:Account")).toEqual([]);
  });
});

describe("knowledge base (I18)", () => {
  it("is one Bedrock knowledge base over S3 Vectors with Titan Text Embeddings V2, fed by one S3 data source", () => {
    const [kb] = ofType("aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase");
    expect(ofType("aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase")).toHaveLength(1);
    expect(kb.inputs.storageConfiguration).toEqual({
      type: "S3_VECTORS",
      s3VectorsConfiguration: { indexArn: `arn:aws:s3vectors:${MOCK_REGION}:${MOCK_ACCOUNT}:bucket/${names.prefix}-vectors/index/documents` },
    });
    expect(kb.inputs.knowledgeBaseConfiguration.vectorKnowledgeBaseConfiguration.embeddingModelArn).toBe(
      `arn:aws:bedrock:${MOCK_REGION}::foundation-model/amazon.titan-embed-text-v2:0`,
    );
    const index = one("aws:s3/vectorsIndex:VectorsIndex", "knowledge-index");
    expect(index.inputs).toMatchObject({ dimension: 1024, distanceMetric: "cosine", dataType: "float32" });
    // tenantId must stay filterable: only Bedrock's own text and metadata are non-filterable.
    expect(index.inputs.metadataConfiguration.nonFilterableMetadataKeys).not.toContain("tenantId");
    const source = one("aws:bedrock/agentDataSource:AgentDataSource", "knowledge-documents-source");
    expect(source.inputs).toMatchObject({ knowledgeBaseId: MOCK_KNOWLEDGE_BASE_ID, dataDeletionPolicy: "DELETE" });
    expect(source.inputs.dataSourceConfiguration).toEqual({ type: "S3", s3Configuration: { bucketArn: "arn:aws:s3:::knowledge-documents-bucket" } });
    const block = one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "knowledge-documents-private");
    expect(block.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  });

  it("gives the knowledge base role the documents of policies.ts, and the agent Retrieve on it", () => {
    const kbPolicy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "knowledge-base-policy"));
    expect(kbPolicy.Statement.map((s) => s.Sid)).toEqual(["EmbedWithConfiguredModel", "ListDocuments", "ReadDocuments", "OwnVectorIndex"]);
    const agentPolicy = policyOf(one("aws:iam/rolePolicy:RolePolicy", "agent-knowledge-policy"));
    expect(agentPolicy.Statement).toEqual([
      {
        Sid: "RetrieveFromOwnKnowledgeBase",
        Effect: "Allow",
        Action: "bedrock:Retrieve",
        Resource: `arn:aws:bedrock:${MOCK_REGION}:${MOCK_ACCOUNT}:knowledge-base/${MOCK_KNOWLEDGE_BASE_ID}`,
      },
    ]);
  });

  it("associates the knowledge base with the agent's DRAFT, enabled", () => {
    const association = one("aws:bedrock/agentAgentKnowledgeBaseAssociation:AgentAgentKnowledgeBaseAssociation", "agent-knowledge-base-association");
    expect(association.inputs).toMatchObject({
      agentId: MOCK_AGENT_ID,
      agentVersion: "DRAFT",
      knowledgeBaseId: MOCK_KNOWLEDGE_BASE_ID,
      knowledgeBaseState: "ENABLED",
    });
  });

  it("gives the chat function the knowledge base id its filter names", () => {
    const chat = one("aws:lambda/function:Function", "chat");
    expect(chat.inputs.environment.variables.KNOWLEDGE_BASE_ID).toBe(MOCK_KNOWLEDGE_BASE_ID);
  });
});

describe("observability", () => {
  it("creates the stage's dashboard with every tenant's widgets, and no budget alarm unless the stack sets alarms", () => {
    const [dashboard, ...others] = ofType("aws:cloudwatch/dashboard:Dashboard");
    expect(others).toEqual([]);
    expect(dashboard.inputs.dashboardName).toBe(names.dashboard);
    const body = JSON.stringify(JSON.parse(dashboard.inputs.dashboardBody));
    for (const tenant of TENANTS) expect(body).toContain(`"tenantId","${tenant.id}"`);
    expect(body).toContain(`"${names.metricsNamespace}"`);
    expect(ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).toEqual([]);
  });
});
