/**
 * The rogue action group (local/redteam/rogue-action-group.ts): it must try every attempt,
 * with the right credentials and targets, report each outcome faithfully, and never crash.
 * Whether the attempts are really denied is for the red-team suite against a stack.
 */
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import {
  CANARY_TENANT_ID,
  CANARY_USER_ID,
  ROGUE_ATTEMPT_NAMES,
  classifyAttempt,
  handler,
  rogueResultBody,
  rogueTargets,
  type RogueResult,
} from "../../../../local/redteam/rogue-action-group";
import {
  ENV,
  OTHER_TENANT,
  OTHER_USER,
  ROLE_KEY,
  SCOPED_KEY,
  TENANT,
  USER,
  bedrockEvent,
  installFunctionEnvironment,
} from "../../lambdas/action-group/fixtures";

const ddb = mockClient(DynamoDBDocumentClient);

beforeAll(() => installFunctionEnvironment());

const denied = () =>
  new DynamoDBServiceException({ name: "AccessDeniedException", $fault: "client", $metadata: {}, message: "denied" });

beforeEach(() => {
  ddb.reset();
  ddb.rejects(denied());
});

async function run(event: unknown): Promise<RogueResult> {
  const response = await handler(event);
  return JSON.parse(response.response.functionResponse.responseBody.TEXT.body) as RogueResult;
}

async function accessKeyOf(call: { thisValue: unknown }): Promise<string> {
  return (await (call.thisValue as DynamoDBDocumentClient).config.credentials()).accessKeyId;
}

const targeting = bedrockEvent("getOrder", {
  parameters: [
    { name: "tenantId", type: "string", value: OTHER_TENANT },
    { name: "userId", type: "string", value: OTHER_USER },
  ],
});

describe("rogue action group", () => {
  it("makes every attempt, in order, and reports them all denied when DynamoDB denies them", async () => {
    const result = await run(targeting);
    expect(result.attempts.map((a) => a.name)).toEqual([...ROGUE_ATTEMPT_NAMES]);
    for (const attempt of result.attempts) {
      expect(attempt).toEqual({ name: attempt.name, outcome: "denied", errorName: "AccessDeniedException" });
    }
  });

  it("uses the scoped credentials for scoped:* attempts and the default chain for role:*", async () => {
    await run(targeting);
    const calls = ddb.calls();
    expect(calls).toHaveLength(ROGUE_ATTEMPT_NAMES.length);
    for (const [i, name] of ROGUE_ATTEMPT_NAMES.entries()) {
      expect(await accessKeyOf(calls[i])).toBe(name.startsWith("scoped:") ? SCOPED_KEY : ROLE_KEY);
    }
  });

  it("aims at the other tenant and the other user named in the parameters", async () => {
    await run(targeting);
    const inputs = ddb.calls().map((c) => c.args[0].input as Record<string, unknown>);
    const otherOrders = `${ENV.ORDERS_TABLE_PREFIX}${OTHER_TENANT}`;
    const ownOrders = `${ENV.ORDERS_TABLE_PREFIX}${TENANT}`;
    expect(ddb.commandCalls(GetCommand)[0].args[0].input).toEqual({ TableName: ENV.TENANTS_TABLE_NAME, Key: { tenantId: OTHER_TENANT } });
    expect(inputs[1]).toMatchObject({ TableName: otherOrders, ExpressionAttributeValues: { ":sub": USER } });
    expect(inputs[2]).toMatchObject({ TableName: ownOrders, ExpressionAttributeValues: { ":sub": OTHER_USER } });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(3);
    expect(ddb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({ TableName: ownOrders, Item: { userId: USER } });
    expect(inputs[5]).toEqual({ TableName: ENV.TENANTS_TABLE_NAME, Key: { tenantId: TENANT } });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(9);
  });

  it("aims at the usage table: another user's and another tenant's partitions, the tenant's, a scan, a write to its own", async () => {
    await run(targeting);
    const usage = ddb.calls().map((c) => c.args[0].input as Record<string, unknown>).filter((i) => i.TableName === ENV.USAGE_TABLE_NAME);
    expect(usage.map((i) => (i.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[":pk"] ?? (i.Key as { pk?: string } | undefined)?.pk ?? "scan")).toEqual([
      `${TENANT}#${OTHER_USER}`,
      `${OTHER_TENANT}#${USER}`,
      TENANT,
      "scan",
      `${TENANT}#${USER}`,
      `${TENANT}#${USER}`,
    ]);
    expect(ddb.commandCalls(UpdateCommand)[0].args[0].input).toMatchObject({ TableName: ENV.USAGE_TABLE_NAME, Key: { pk: `${TENANT}#${USER}` } });
  });

  it("falls back to canary targets when the parameters are absent or malformed", () => {
    const tables = { tenantsTableName: "t", ordersTablePrefix: "o-", usageTableName: "u" };
    const own = { tenantId: TENANT, userId: USER };
    expect(rogueTargets(own, undefined, tables)).toMatchObject({ otherTenantId: CANARY_TENANT_ID, otherUserId: CANARY_USER_ID });
    expect(
      rogueTargets(own, [{ name: "tenantId", value: "Bad/Tenant" }, { name: "userId", value: USER }], tables),
    ).toMatchObject({ otherTenantId: CANARY_TENANT_ID, otherUserId: CANARY_USER_ID });
    expect(rogueTargets(own, [{ name: "targetTenantId", value: "tenant3" }], tables)).toMatchObject({ otherTenantId: "tenant3" });
  });

  it("reports an attempt that succeeds as allowed, so the red-team test fails", async () => {
    ddb.on(ScanCommand).resolves({ Items: [] });
    const result = await run(targeting);
    expect(result.attempts.find((a) => a.name === "scoped:scanTenants")).toEqual({ name: "scoped:scanTenants", outcome: "allowed" });
  });

  it("reports failures other than AccessDenied as error, never as denied", async () => {
    ddb.on(QueryCommand).rejects(Object.assign(new Error("no table"), { name: "ResourceNotFoundException" }));
    const result = await run(targeting);
    expect(result.attempts.find((a) => a.name === "scoped:queryOtherTenantOrders")).toEqual({
      name: "scoped:queryOtherTenantOrders",
      outcome: "error",
      errorName: "ResourceNotFoundException",
    });
  });

  it.each([
    ["null", null],
    ["without sessionAttributes", { ...bedrockEvent("x"), sessionAttributes: undefined }],
  ])("answers an event %s without crashing or calling DynamoDB", async (_label, event) => {
    const result = await run(event);
    expect(result).toEqual({ attempts: [], error: "missing_identity" });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe("result formatting", () => {
  it("classifies outcomes", () => {
    expect(classifyAttempt("role:scanTenants")).toEqual({ name: "role:scanTenants", outcome: "allowed" });
    expect(classifyAttempt("role:scanTenants", denied(), true)).toEqual({
      name: "role:scanTenants",
      outcome: "denied",
      errorName: "AccessDeniedException",
    });
    expect(classifyAttempt("role:scanTenants", undefined, true)).toEqual({
      name: "role:scanTenants",
      outcome: "error",
      errorName: "undefined",
    });
  });

  it("is the documented JSON body", () => {
    expect(rogueResultBody({ attempts: [{ name: "scoped:putOrder", outcome: "denied", errorName: "AccessDeniedException" }] })).toBe(
      '{"attempts":[{"name":"scoped:putOrder","outcome":"denied","errorName":"AccessDeniedException"}]}',
    );
  });
});
