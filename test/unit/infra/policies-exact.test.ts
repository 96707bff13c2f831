/**
 * Least privilege, exactly (I10): every AWS call a function's code can make is allowed by
 * the role it runs under, and every grant of that role is used by one of those calls.
 *
 * The calls come from the code itself: each function's entry (`lambdas/<fn>/index.ts`) is
 * bundled with esbuild as `npm run build` bundles it (tree-shaken, so a class the function
 * never builds contributes nothing), packages left external, and every `new XCommand(`
 * in the result is one SDK call it can make. The declarations below say, per function,
 * which IAM action on which resource each command is; the test insists that the commands
 * found and the commands declared are the same set, then evaluates each declared call
 * against the role's policy with iam-simulate (allowed), and each (statement, action,
 * resource) of the policy against the declared calls (used).
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { build } from "esbuild";
import { join } from "node:path";
import { FUNCTION_NAMES, type FunctionName, stackNames } from "../../../infra/naming";
import {
  actionGroupRolePolicy,
  authorizerRolePolicy,
  chatRolePolicy,
  offboardingRolePolicy,
  tenantAccessPolicy,
  type AwsContext,
  type PolicyDocument,
  type PolicyStatement,
} from "../../../infra/policies";

const ctx: AwsContext = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
const names = stackNames("multi-tenant-assistant", "exact", "eu-west-1");
const API_ID = "abc123";
const STAGE = "exact";
const AGENT = { agentId: "AGENT12345", agentAliasId: "ALIAS12345" };
const USER_POOL_ARN = `arn:aws:cognito-idp:${ctx.region}:${ctx.accountId}:userpool/${ctx.region}_Abcdefghi`;
const TENANT_ACCESS_ROLE_ARN = `arn:aws:iam::${ctx.accountId}:role/${names.tenantAccessRole}`;
const USER = "11111111-1111-4111-8111-111111111111";

const table = (name: string) => `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`;
const connectionsApi = (method: string) => `arn:aws:execute-api:${ctx.region}:${ctx.accountId}:${API_ID}/${STAGE}/${method}/@connections/conn-1`;
const logStream = (fn: FunctionName) =>
  `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:/aws/lambda/${names.functionName(fn)}:log-stream:2026/12/02/[$LATEST]abc`;

type RoleName = FunctionName | "tenant-access";

const POLICIES: Record<RoleName, PolicyDocument> = {
  authorizer: authorizerRolePolicy(ctx, { functionName: names.functionName("authorizer") }),
  chat: chatRolePolicy(ctx, {
    functionName: names.functionName("chat"),
    connectionsTableName: names.connectionsTable,
    limitsTableName: names.limitsTable,
    revocationsTableName: names.revocationsTable,
    usageTableName: names.usageTable,
    tenantAccessRoleArn: TENANT_ACCESS_ROLE_ARN,
    ...AGENT,
    apiId: API_ID,
    stage: STAGE,
  }),
  "action-group": actionGroupRolePolicy(ctx, {
    functionName: names.functionName("action-group"),
    connectionsTableName: names.connectionsTable,
    apiId: API_ID,
    stage: STAGE,
  }),
  offboarding: offboardingRolePolicy(ctx, {
    functionName: names.functionName("offboarding"),
    connectionsTableName: names.connectionsTable,
    connectionsUserIndex: names.connectionsUserIndex,
    revocationsTableName: names.revocationsTable,
    userPoolArn: USER_POOL_ARN,
    apiId: API_ID,
    stage: STAGE,
  }),
  "tenant-access": tenantAccessPolicy(ctx, { tenantsTableName: names.tenantsTable, ordersTablePrefix: names.ordersTablePrefix, usageTableName: names.usageTable }),
};

interface Call {
  /** The SDK command class; `runtime` for what the Lambda service does with the role (logs). */
  command: string;
  /** The role the call is signed with: the function's own, or the tenant-access session (I3). */
  role: RoleName;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  why: string;
}

const logs = (fn: FunctionName): Call[] => [
  { command: "runtime", role: fn, action: "logs:CreateLogStream", resource: logStream(fn), why: "the runtime opens a stream" },
  { command: "runtime", role: fn, action: "logs:PutLogEvents", resource: logStream(fn), why: "the runtime writes the function's logs" },
];
const key = (value: string) => ({ "dynamodb:LeadingKeys": [value] });
const TENANT_TAGS = { "aws:PrincipalTag/tenantId": "tenant1", "aws:PrincipalTag/userId": USER };

/** What each function's code calls, and as whom. Keep in step with lambdas/ (the test below checks the commands). */
const CALLS: Record<FunctionName, Call[]> = {
  authorizer: [...logs("authorizer")],
  chat: [
    ...logs("chat"),
    { command: "PutCommand", role: "chat", action: "dynamodb:PutItem", resource: table(names.connectionsTable), context: key("c1"), why: "$connect stores the record" },
    { command: "GetCommand", role: "chat", action: "dynamodb:GetItem", resource: table(names.connectionsTable), context: key("c1"), why: "owner check (I6)" },
    { command: "DeleteCommand", role: "chat", action: "dynamodb:DeleteItem", resource: table(names.connectionsTable), context: key("c1"), why: "$disconnect" },
    { command: "GetCommand", role: "chat", action: "dynamodb:GetItem", resource: table(names.revocationsTable), context: key(USER), why: "offboarding record (I17)" },
    { command: "UpdateCommand", role: "chat", action: "dynamodb:UpdateItem", resource: table(names.limitsTable), context: key(`asks#${USER}#1`), why: "ask counter (I11), stop marker (I16)" },
    { command: "GetCommand", role: "chat", action: "dynamodb:GetItem", resource: table(names.limitsTable), context: key(`stop#${USER}.a1`), why: "stop marker (I16)" },
    { command: "UpdateCommand", role: "chat", action: "dynamodb:UpdateItem", resource: table(names.usageTable), context: key(`tenant1#${USER}`), why: "budget reservation (I21), usage counters (I22)" },
    { command: "PutCommand", role: "chat", action: "dynamodb:PutItem", resource: table(names.usageTable), context: key(`tenant1#${USER}`), why: "answer record (I22)" },
    { command: "AssumeRoleCommand", role: "chat", action: "sts:AssumeRole", resource: TENANT_ACCESS_ROLE_ARN, why: "scoped credentials (I3)" },
    { command: "AssumeRoleCommand", role: "chat", action: "sts:TagSession", resource: TENANT_ACCESS_ROLE_ARN, context: { "aws:TagKeys": ["tenantId", "userId"] }, why: "session tags (I3)" },
    {
      command: "InvokeAgentCommand",
      role: "chat",
      action: "bedrock:InvokeAgent",
      resource: `arn:aws:bedrock:${ctx.region}:${ctx.accountId}:agent-alias/${AGENT.agentId}/${AGENT.agentAliasId}`,
      why: "the answer",
    },
    { command: "InvokeCommand", role: "chat", action: "lambda:InvokeFunction", resource: `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${names.functionName("chat")}`, why: "the async answer step" },
    { command: "PostToConnectionCommand", role: "chat", action: "execute-api:ManageConnections", resource: connectionsApi("POST"), why: "every event" },
    { command: "DeleteConnectionCommand", role: "chat", action: "execute-api:ManageConnections", resource: connectionsApi("DELETE"), why: "a refused renewal hangs up (I12)" },
  ],
  "action-group": [
    ...logs("action-group"),
    { command: "GetCommand", role: "action-group", action: "dynamodb:GetItem", resource: table(names.connectionsTable), context: key("c1"), why: "owner check before a status (I6)" },
    { command: "PostToConnectionCommand", role: "action-group", action: "execute-api:ManageConnections", resource: connectionsApi("POST"), why: "status events" },
    { command: "GetCommand", role: "tenant-access", action: "dynamodb:GetItem", resource: table(names.tenantsTable), context: { ...TENANT_TAGS, ...key("tenant1") }, why: "return policy" },
    { command: "GetCommand", role: "tenant-access", action: "dynamodb:GetItem", resource: table(names.ordersTable("tenant1")), context: { ...TENANT_TAGS, ...key(USER) }, why: "one order" },
    { command: "QueryCommand", role: "tenant-access", action: "dynamodb:Query", resource: table(names.ordersTable("tenant1")), context: { ...TENANT_TAGS, ...key(USER) }, why: "the user's orders" },
    { command: "QueryCommand", role: "tenant-access", action: "dynamodb:Query", resource: table(names.usageTable), context: { ...TENANT_TAGS, ...key(`tenant1#${USER}`) }, why: "the user's own usage (getMyUsage, I23)" },
  ],
  offboarding: [
    ...logs("offboarding"),
    { command: "PutCommand", role: "offboarding", action: "dynamodb:PutItem", resource: table(names.revocationsTable), context: key(USER), why: "the revocation record (I17)" },
    { command: "QueryCommand", role: "offboarding", action: "dynamodb:Query", resource: `${table(names.connectionsTable)}/index/${names.connectionsUserIndex}`, context: key(USER), why: "the user's connections" },
    { command: "ScanCommand", role: "offboarding", action: "dynamodb:Scan", resource: table(names.connectionsTable), why: "reconcile: every owner" },
    { command: "DeleteCommand", role: "offboarding", action: "dynamodb:DeleteItem", resource: table(names.connectionsTable), context: key("c1"), why: "forget a closed connection" },
    { command: "DeleteConnectionCommand", role: "offboarding", action: "execute-api:ManageConnections", resource: connectionsApi("DELETE"), why: "hang up (I12)" },
    { command: "AdminGetUserCommand", role: "offboarding", action: "cognito-idp:AdminGetUser", resource: USER_POOL_ARN, why: "username → sub" },
    { command: "ListUsersCommand", role: "offboarding", action: "cognito-idp:ListUsers", resource: USER_POOL_ARN, why: "is an owner still enabled" },
  ],
};

async function simulate(policy: PolicyDocument, call: Pick<Call, "action" | "resource" | "context">): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${ctx.accountId}:assumed-role/some-role/session`,
        action: call.action,
        resource: { resource: call.resource, accountId: ctx.accountId },
        contextVariables: call.context ?? {},
      },
      identityPolicies: [{ name: "under-test", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** The SDK commands a function's deployed code can construct (tree-shaken bundle of its entry). */
async function commandsOf(fn: FunctionName): Promise<string[]> {
  const result = await build({
    entryPoints: [join(__dirname, "..", "..", "..", "lambdas", fn, "index.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node22",
    packages: "external",
    treeShaking: true,
    minify: false,
    logLevel: "silent",
  });
  const text = result.outputFiles[0].text;
  // esbuild may suffix a renamed import (GetCommand2): the class is still GetCommand.
  return [...new Set([...text.matchAll(/new (\w+?Command)\d*\(/g)].map((m) => m[1]))].sort();
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const ALL_CALLS = Object.values(CALLS).flat();

describe.each(FUNCTION_NAMES)("the %s function's calls", (fn) => {
  it("are exactly the SDK commands its bundle constructs", async () => {
    const declared = [...new Set(CALLS[fn].filter((c) => c.command !== "runtime").map((c) => c.command))].sort();
    expect(await commandsOf(fn)).toEqual(declared);
  }, 30_000);

  it("are each allowed by the role they are made with", async () => {
    for (const call of CALLS[fn]) {
      await expect(simulate(POLICIES[call.role], call).then((r) => `${call.action} ${call.resource}: ${r}`)).resolves.toBe(
        `${call.action} ${call.resource}: Allowed`,
      );
    }
  });
});

describe.each(Object.keys(POLICIES) as RoleName[])("the %s role's grants", (role) => {
  it("are each used by a call its code makes: nothing is allowed that no call needs", async () => {
    const unused: string[] = [];
    for (const statement of POLICIES[role].Statement) {
      for (const action of asList(statement.Action)) {
        for (const resource of asList(statement.Resource)) {
          const narrow: PolicyStatement = { ...statement, Action: action, Resource: resource };
          const single: PolicyDocument = { Version: "2012-10-17", Statement: [narrow] };
          const users = ALL_CALLS.filter((c) => c.role === role && c.action === action);
          const used = (await Promise.all(users.map((c) => simulate(single, c)))).includes("Allowed");
          if (!used) unused.push(`${statement.Sid ?? "(no Sid)"}: ${action} on ${resource}`);
        }
      }
    }
    expect(unused).toEqual([]);
  });
});
