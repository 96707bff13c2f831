/**
 * The whole Pulumi program under mocks that know AWS's rules (support/aws-rules.ts), across
 * stack names (short, 30 characters with a dot, 100 characters), Regions and partitions
 * (us-east-1, eu-west-1, cn-north-1 in aws-cn), every form of modelId, and access logs off
 * (the default), on with the account role managed, and on with it set outside. A name, ARN
 * or endpoint AWS would refuse fails here, not at `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as MocksModule from "./pulumi-mocks";
import { AWS_RULES, TYPES_WITHOUT_NAME_RULES, type AwsEnv } from "./support/aws-rules";

// Each run re-evaluates the program's own modules (it reads its config at import) but shares
// the Pulumi SDK and providers: loading @pulumi/aws again would take seconds per run.
/* eslint-disable @typescript-eslint/no-require-imports */
const SHARED = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/random", "zod", "zod/mini", "@aws-lambda-powertools/logger"];
const shared: Record<string, Record<string, unknown>> = Object.fromEntries(SHARED.map((name) => [name, require(name)]));
/* eslint-enable @typescript-eslint/no-require-imports */
for (const name of SHARED) jest.doMock(name, () => shared[name]);
const mockAws = shared["@pulumi/aws"] as Record<string, Record<string, unknown>>;
const mockRandom = shared["@pulumi/random"];
// @pulumi/aws loads each resource class on first use: load them now, into the shared modules.
for (const ns of ["apigateway", "apigatewayv2", "bedrock", "cloudwatch", "cognito", "dynamodb", "iam", "lambda", "s3"]) {
  for (const name of Object.keys(mockAws[ns])) void mockAws[ns][name];
}
for (const name of ["getCallerIdentityOutput", "getRegionOutput", "getPartitionOutput"]) void mockAws[name];
void mockRandom.RandomPassword;

const PROJECT = "multi-tenant-assistant";
const TENANTS = [
  { id: "tenant1", displayName: "Tenant One", returnPolicyDays: 10, users: ["tenant1-user"] },
  { id: "a-tenant-id-of-32-characters-xyz", displayName: "Long", returnPolicyDays: 5, users: ["long.user_name-01"] },
];
const ACCOUNT = "123456789012";

const ENVS: Record<string, AwsEnv> = {
  "us-east-1": { partition: "aws", region: "us-east-1", accountId: ACCOUNT, dnsSuffix: "amazonaws.com" },
  "eu-west-1": { partition: "aws", region: "eu-west-1", accountId: ACCOUNT, dnsSuffix: "amazonaws.com" },
  "cn-north-1": { partition: "aws-cn", region: "cn-north-1", accountId: ACCOUNT, dnsSuffix: "amazonaws.com.cn" },
};
const STACKS = ["dev", "feature.x-30-characters-long-ab", `Release_${"x".repeat(92)}`];

/** The geographic profile (or, in aws-cn, the model) each Region can call; every other form runs once. */
const GEOGRAPHIC: Record<string, string> = {
  "us-east-1": "us.anthropic.claude-sonnet-4-6",
  "eu-west-1": "eu.anthropic.claude-sonnet-4-6",
  "cn-north-1": "anthropic.claude-3-haiku-20240307-v1:0",
};
const OTHER_FORMS: [string, string][] = [
  ["us-east-1", "anthropic.claude-3-haiku-20240307-v1:0"],
  ["eu-west-1", "global.anthropic.claude-sonnet-4-6"],
  ["cn-north-1", `arn:aws-cn:bedrock:cn-north-1:${ACCOUNT}:application-inference-profile/a1b2c3d4e5f6`],
];

/** Access logs: off (no config, the default), on with the account role managed here, on with it set outside. */
type Logs = "off" | "managed" | "preset";
const LOGS_CONFIG: Record<Logs, Record<string, string>> = {
  off: {},
  managed: { accessLogs: "true", manageApiGatewayAccountRole: "true" },
  preset: { accessLogs: "true", manageApiGatewayAccountRole: "false" },
};

interface Run {
  resources: MocksModule.RecordedResource[];
  outputs: Record<string, unknown>;
  /** Options each resource was registered with, by `<type>::<name>`: the URNs it depends on (dependsOn and inputs), retainOnDelete. */
  registrations: Map<string, { dependencies: string[]; retainOnDelete: boolean }>;
}

/** One `pulumi preview` of the program, in fresh modules (the program reads config once at import). */
async function runProgram(stack: string, env: AwsEnv, modelId: string, logs: Logs = "off"): Promise<Run> {
  let run: Run | undefined;
  await jest.isolateModulesAsync(async () => {
    const mocks: typeof MocksModule = await import("./pulumi-mocks");
    const resources = await mocks.installMocks(PROJECT, stack, env);
    // The mocks' newResource never sees resource options; the monitor's requests carry them.
    const registrations: Run["registrations"] = new Map();
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: never, cb: never) => unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: never, callback: never) => {
      const r = req as unknown as { getType(): string; getName(): string; getDependenciesList(): string[]; getRetainondelete(): boolean };
      registrations.set(`${r.getType()}::${r.getName()}`, { dependencies: r.getDependenciesList(), retainOnDelete: r.getRetainondelete() });
      return register(req, callback);
    };
    pulumi.runtime.setAllConfig({
      "aws:region": env.region,
      [`${PROJECT}:tenants`]: JSON.stringify(TENANTS),
      [`${PROJECT}:modelId`]: modelId,
      ...Object.fromEntries(Object.entries(LOGS_CONFIG[logs]).map(([k, v]) => [`${PROJECT}:${k}`, v])),
    });
    const program: Record<string, unknown> = await import("../../../infra/index");
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) outputs[key] = await mocks.outputValue(value as pulumi.Input<unknown>);
    await mocks.settled(resources);
    run = { resources, outputs, registrations };
  });
  return run!;
}

const runs = new Map<string, Run>();
const key = (stack: string, region: string, modelId: string, logs: Logs = "off") => `${stack} | ${region} | ${modelId} | ${logs}`;
type Case = [string, string, string, Logs];
const CASES: Case[] = [
  ...STACKS.flatMap((stack) => Object.keys(ENVS).map((region): Case => [stack, region, GEOGRAPHIC[region], "off"])),
  ...OTHER_FORMS.map(([region, model]): Case => [STACKS[1], region, model, "off"]),
  // Access logs on, both ways, in the longest stack name (role name length); managed in aws-cn
  // (the managed policy's ARN in that partition).
  [STACKS[2], "cn-north-1", GEOGRAPHIC["cn-north-1"], "managed"],
  [STACKS[2], "us-east-1", GEOGRAPHIC["us-east-1"], "preset"],
];


const physicalNames = (run: Run, type: string, field = "name") =>
  run.resources.filter((r) => r.type === type).map((r) => r.inputs[field] as string);

describe.each(CASES)("stack %p in %s with modelId %p, access logs %s", (stack, region, modelId, logs) => {
  const env = ENVS[region];
  const run = () => runs.get(key(stack, region, modelId, logs))!;

  // One program run per case, each with its own time budget: a run takes seconds alone
  // and much longer on a loaded machine, and fourteen under one hook's budget fail together.
  beforeAll(async () => {
    runs.set(key(stack, region, modelId, logs), await runProgram(stack, ENVS[region], modelId, logs));
  }, 120_000);

  it("creates only what AWS's documented rules accept", () => {
    expect(run().resources.length).toBeGreaterThan(40);
    expect(run().resources.flatMap((r) => r.violations)).toEqual([]);
  });

  it("has a rule table entry for every AWS type it creates", () => {
    const types = new Set(run().resources.map((r) => r.type).filter((t) => t.startsWith("aws:")));
    const unknown = [...types].filter((t) => !(t in AWS_RULES) && !TYPES_WITHOUT_NAME_RULES.includes(t));
    expect(unknown).toEqual([]);
  });

  it("gives every role, function, table and log group its own name", () => {
    for (const type of ["aws:iam/role:Role", "aws:lambda/function:Function", "aws:dynamodb/table:Table", "aws:cloudwatch/logGroup:LogGroup"]) {
      const names = physicalNames(run(), type);
      expect({ type, duplicates: names.filter((n, i) => names.indexOf(n) !== i) }).toEqual({ type, duplicates: [] });
    }
  });

  it("reaches @connections and the WebSocket at the partition's DNS suffix", () => {
    expect(run().outputs.webSocketUrl).toMatch(new RegExp(`^wss://[^/]+\\.execute-api\\.${region}\\.${env.dnsSuffix.replace(/\./g, "\\.")}/`));
    for (const fn of run().resources.filter((r) => r.type === "aws:lambda/function:Function")) {
      const endpoint = fn.inputs.environment.variables.WEBSOCKET_MANAGEMENT_ENDPOINT as string | undefined;
      if (endpoint !== undefined) expect(endpoint).toMatch(new RegExp(`^https://[^/]+\\.${env.dnsSuffix.replace(/\./g, "\\.")}/`));
    }
  });

  it("gives the agent the configured model or profile, and its role that form's grant", () => {
    const agent = run().resources.find((r) => r.type === "aws:bedrock/agentAgent:AgentAgent")!;
    expect(agent.inputs.foundationModel).toBe(modelId);
    const policy = JSON.parse(run().resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "agent-policy")!.inputs.policy);
    const sids = policy.Statement.map((s: { Sid: string }) => s.Sid);
    expect(sids).toEqual(modelId.startsWith("anthropic.") ? ["InvokeConfiguredModel"] : ["InvokeThroughProfile", "ReadProfile", "RoutedFoundationModels"]);
  });
});

describe("across the matrix", () => {
  const roleNames = (stack: string, region: string) => physicalNames(runs.get(key(stack, region, GEOGRAPHIC[region]))!, "aws:iam/role:Role");

  it("the same stage in two Regions of one partition shares no IAM role name (IAM is global)", () => {
    for (const stack of STACKS) {
      const us = roleNames(stack, "us-east-1");
      expect(roleNames(stack, "eu-west-1").filter((n) => us.includes(n))).toEqual([]);
    }
  });

  it("two stages share no physical name", () => {
    const tables = (stack: string) => physicalNames(runs.get(key(stack, "us-east-1", GEOGRAPHIC["us-east-1"]))!, "aws:dynamodb/table:Table");
    for (const a of STACKS) for (const b of STACKS) if (a !== b) expect(tables(a).filter((n) => tables(b).includes(n))).toEqual([]);
  });
});

describe("access logs (config accessLogs, manageApiGatewayAccountRole)", () => {
  const ACCOUNT_TYPE = "aws:apigateway/account:Account";
  const STAGE_TYPE = "aws:apigatewayv2/stage:Stage";
  const of = (run: Run, type: string) => run.resources.filter((r) => r.type === type);
  const stageOf = (run: Run) => {
    const [stage] = of(run, STAGE_TYPE);
    return { stage, dependsOn: run.registrations.get(`${STAGE_TYPE}::${stage.name}`)?.dependencies ?? [] };
  };
  const accessLogGroups = (run: Run) => of(run, "aws:cloudwatch/logGroup:LogGroup").filter((g) => String(g.inputs.name).startsWith("/aws/apigateway/"));

  it.each(Object.keys(ENVS))("off by default (%s): no access log settings, no log group for them, no account setting, no role for it", (region) => {
    const run = runs.get(key(STACKS[0], region, GEOGRAPHIC[region]))!;
    const { stage } = stageOf(run);
    expect(stage.inputs.accessLogSettings).toBeUndefined();
    expect(accessLogGroups(run)).toEqual([]);
    expect(of(run, ACCOUNT_TYPE)).toEqual([]);
    expect(of(run, "aws:iam/role:Role").filter((r) => String(r.inputs.name).includes("api-logs"))).toEqual([]);
  });

  it.each(["cn-north-1"])("managed (%s): a role only API Gateway may assume, with the partition's managed policy, set for the account; kept on destroy; the stage waits for it", (region) => {
    const env = ENVS[region];
    const run = runs.get(key(STACKS[2], region, GEOGRAPHIC[region], "managed"))!;
    const [role] = of(run, "aws:iam/role:Role").filter((r) => r.name === "api-gateway-account-logs-role");
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(of(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs)).toEqual([
      { role: role.state.name, policyArn: `arn:${env.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs` },
    ]);
    const accounts = of(run, ACCOUNT_TYPE);
    expect(accounts.map((a) => a.inputs)).toEqual([{ cloudwatchRoleArn: role.state.arn }]);
    // Kept on destroy: the setting serves the whole account and Region (components/api-gateway-account.ts).
    const kept = (r: MocksModule.RecordedResource) => run.registrations.get(`${r.type}::${r.name}`)?.retainOnDelete;
    expect([role, ...accounts, ...of(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")].map(kept)).toEqual([true, true, true]);
    expect(kept(stageOf(run).stage)).toBe(false);
    const { stage, dependsOn } = stageOf(run);
    expect(dependsOn.some((urn) => urn.endsWith(`${ACCOUNT_TYPE}::${accounts[0].name}`))).toBe(true);
    const [group] = accessLogGroups(run);
    expect(stage.inputs.accessLogSettings.destinationArn).toBe(group.state.arn);
    // I8: request metadata only, no query string or header values (the ID token travels in a header).
    expect(JSON.parse(stage.inputs.accessLogSettings.format)).toHaveProperty("routeKey");
    expect(stage.inputs.accessLogSettings.format).not.toMatch(/querystring|header|\$input|\$request|identity\.|body|authorization/i);
    // Execution logging stays off: data tracing never, no logging level set.
    expect(stage.inputs.defaultRouteSettings).toMatchObject({ dataTraceEnabled: false });
    expect(stage.inputs.defaultRouteSettings.loggingLevel).toBeUndefined();
  });

  it.each(["us-east-1"])("set outside (%s): access logs on, no account setting or role created", (region) => {
    const run = runs.get(key(STACKS[2], region, GEOGRAPHIC[region], "preset"))!;
    expect(of(run, ACCOUNT_TYPE)).toEqual([]);
    expect(of(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
    const { stage, dependsOn } = stageOf(run);
    expect(stage.inputs.accessLogSettings.destinationArn).toBe(accessLogGroups(run)[0].state.arn);
    expect(dependsOn.filter((urn) => urn.includes(ACCOUNT_TYPE))).toEqual([]);
  });
});
