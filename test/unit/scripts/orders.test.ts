/**
 * The orders CLI: argument parsing (pure) and how it finds a user's tenant: Cognito's
 * immutable custom:tenantId decides, the outputs' users map is a fallback, and a
 * disagreement between the two is refused. No network: Cognito and DynamoDB are mocked.
 */
import { AdminGetUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import {
  addOrder,
  isHelpRequest,
  OrdersUsageError,
  parseOrderDate,
  parseOrdersArgs,
  parseTotal,
  resolveUser,
  runOrdersCli,
  TenantMismatchError,
  UnknownUserError,
  UserTenantError,
  userTenant,
  type OrdersContext,
} from "../../../scripts/orders";
import { StackOutputsError, type StackOutputs } from "../../../local/runtime/stack-outputs";

const NOW = new Date("2026-11-28T12:00:00.000Z");
const parse = (...argv: string[]) => parseOrdersArgs(argv, () => NOW);

describe("parseOrdersArgs", () => {
  it("reads a username and a command, with defaults for the new order", () => {
    expect(parse("tenant1-user", "add")).toEqual({
      username: "tenant1-user",
      command: "add",
      outputs: undefined,
      order: { total: 42.5, currency: "EUR", status: "placed", items: ["Sample item"], orderDate: NOW.toISOString() },
    });
    expect(parse("tenant1-user", "list").command).toBe("list");
    expect(parse("clear", "clear")).toMatchObject({ username: "clear", command: "clear" });
  });

  it("reads every option, in any position", () => {
    const args = parse("--outputs", "out.json", "u1", "--total", "19.99", "add", "--currency", "USD", "--status", "shipped", "--items", " a , b ,", "--date", "2026-01-02");
    expect(args).toEqual({
      username: "u1",
      command: "add",
      outputs: "out.json",
      order: { total: 19.99, currency: "USD", status: "shipped", items: ["a", "b"], orderDate: "2026-01-02T00:00:00.000Z" },
    });
  });

  it.each([
    [[], /expected <username> and a command/],
    [["u1"], /expected <username> and a command/],
    [["u1", "add", "extra"], /expected <username> and a command/],
    [["u1", "delete"], /unknown command "delete"/],
    [["u1", "add", "--bogus", "1"], /unknown option --bogus \(see --help\)/],
    [["u1", "add", "--total"], /--total needs a value/],
    [["u1", "add", "--total", "--currency", "EUR"], /--total needs a value/],
    [["u1", "add", "--total", "abc"], /--total must be an amount above 0/],
    [["u1", "add", "--total", "-1"], /--total must be an amount above 0/],
    [["u1", "add", "--total", "Infinity"], /--total must be an amount above 0/],
    [["u1", "add", "--total", "1e20"], /--total must be an amount above 0 and at most 1,000,000, with at most 2 decimals .*got "1e20"/],
    [["u1", "add", "--total", "0"], /--total must be an amount above 0/],
    [["u1", "add", "--total", "1000000.01"], /at most 1,000,000/],
    [["u1", "add", "--total", "19.999"], /with at most 2 decimals/],
    [["u1", "add", "--total", "0x10"], /--total must be an amount/],
    [["u1", "add", "--currency", "eur"], /--currency must be a three-letter code/],
    [["u1", "add", "--status", "Shipped!"], /--status must be a lower-case word/],
    [["u1", "add", "--items", " , "], /--items must list 1\+ item names/],
    [["u1", "add", "--date", "yesterday"], /--date must be YYYY-MM-DD or an ISO 8601 date-time/],
    [["u1", "add", "--date", "2026-13-45"], /--date 2026-13-45 has no month 13/],
    [["u1", "add", "--date", "2026-02-30"], /--date 2026-02-30 is not a real date: February 2026 has 28 days/],
    [["u1", "add", "--date", "2026-04-31"], /April 2026 has 30 days/],
    [["u1", "add", "--date", "2026-01-00"], /is not a real date/],
    [["u1", "add", "--date", "2026-01-02T24:00:00Z"], /impossible time of day/],
    [["u1", "add", "--date", "2026-01-02garbage"], /--date must be YYYY-MM-DD/],
  ])("refuses %j with a specific OrdersUsageError", (argv: string[], message: RegExp) => {
    expect(() => parse(...argv)).toThrow(OrdersUsageError);
    expect(() => parse(...argv)).toThrow(message);
  });

  it("accepts totals at the edges and real dates, including a leap day and date-times", () => {
    expect(parse("u1", "add", "--total", "0.01").order.total).toBe(0.01);
    expect(parse("u1", "add", "--total", "1000000").order.total).toBe(1_000_000);
    expect(parse("u1", "add", "--total", "7").order.total).toBe(7);
    expect(parse("u1", "add", "--date", "2028-02-29").order.orderDate).toBe("2028-02-29T00:00:00.000Z");
    expect(() => parse("u1", "add", "--date", "2026-02-29")).toThrow(/February 2026 has 28 days/);
    expect(parse("u1", "add", "--date", "2026-01-31T23:59:59Z").order.orderDate).toBe("2026-01-31T23:59:59.000Z");
    expect(parse("u1", "add", "--date", "2026-01-31T10:00").order.orderDate).toBe("2026-01-31T10:00:00.000Z");
    expect(parse("u1", "add", "--date", "2026-01-31T10:00:00+02:00").order.orderDate).toBe("2026-01-31T08:00:00.000Z");
  });

  it("parseTotal and parseOrderDate are the same checks on their own", () => {
    expect(parseTotal("19.99")).toBe(19.99);
    expect(() => parseTotal("1e20")).toThrow(OrdersUsageError);
    expect(parseOrderDate("2026-12-31")).toBe("2026-12-31T00:00:00.000Z");
    expect(() => parseOrderDate("2026-02-30")).toThrow(OrdersUsageError);
  });

  it("recognises --help and -h anywhere on the line", () => {
    expect(isHelpRequest(["--help"])).toBe(true);
    expect(isHelpRequest(["u1", "add", "-h"])).toBe(true);
    expect(isHelpRequest(["u1", "add", "--total", "3"])).toBe(false);
  });

  it("refuses an item name over 200 characters", () => {
    expect(() => parse("u1", "add", "--items", `a,${"x".repeat(201)}`)).toThrow(/--items must list 1\+ item names/);
    expect(parse("u1", "add", "--items", `a,${"x".repeat(200)}`).order.items).toHaveLength(2);
  });

  it("gives usage errors a stable code", () => {
    try {
      parse();
      throw new Error("expected a usage error");
    } catch (error) {
      expect((error as OrdersUsageError).code).toBe("bad_arguments");
    }
  });
});

describe("userTenant", () => {
  it("takes Cognito's custom:tenantId, also for users outside the stack configuration", () => {
    expect(userTenant("u", "tenant2", undefined)).toBe("tenant2");
    expect(userTenant("u", "tenant2", "tenant2")).toBe("tenant2");
  });

  it("falls back to the outputs' users map when Cognito has no tenant attribute", () => {
    expect(userTenant("u", undefined, "tenant1")).toBe("tenant1");
  });

  it("refuses a disagreement, a malformed attribute, and a user with no tenant anywhere", () => {
    expect(() => userTenant("u", "tenant2", "tenant1")).toThrow(TenantMismatchError);
    expect(() => userTenant("u", "tenant2", "tenant1")).toThrow(/"tenant2" in Cognito .* but "tenant1" in the stack outputs/);
    expect(() => userTenant("u", "Tenant*", undefined)).toThrow(UserTenantError);
    expect(() => userTenant("u", undefined, undefined)).toThrow(/no custom:tenantId in Cognito and is not in the stack outputs/);
  });
});

describe("resolveUser and the CLI against mocked Cognito and DynamoDB", () => {
  const cognitoMock = mockClient(CognitoIdentityProviderClient);
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const SUB = "33333333-3333-4333-8333-333333333333";
  const outputs = {
    region: "us-east-1",
    webSocketUrl: "ws://127.0.0.1:1/dev",
    webSocketProtocol: "app",
    userPoolId: "local_pool",
    userPoolClientId: "client",
    tenantsTableName: "tenants",
    ordersTableNames: { tenant1: "orders-tenant1", tenant2: "orders-tenant2" },
    connectionsTableName: "connections",
    usageTableName: "usage",
    agentId: "A",
    agentAliasId: "B",
    knowledgeBucketName: "kb-documents",
    knowledgeBaseId: "KBASE12345",
    knowledgeDataSourceId: "DSRC123456",
    users: { "tenant1-user": "tenant1" },
  } satisfies StackOutputs;
  const context = (): OrdersContext => ({
    outputs,
    cognito: new CognitoIdentityProviderClient({ region: "us-east-1" }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })),
  });
  const cognitoUser = (tenantId?: string) => ({
    Username: "x",
    UserAttributes: [{ Name: "sub", Value: SUB }, ...(tenantId ? [{ Name: "custom:tenantId", Value: tenantId }] : [])],
  });

  beforeEach(() => {
    cognitoMock.reset();
    ddbMock.reset();
  });

  it("finds a user created outside the configuration by its Cognito tenant", async () => {
    cognitoMock.on(AdminGetUserCommand, { Username: "ops-made-user" }).resolves(cognitoUser("tenant2"));
    await expect(resolveUser(context(), "ops-made-user")).resolves.toEqual({ sub: SUB, tenantId: "tenant2", tableName: "orders-tenant2" });
    ddbMock.on(PutCommand).resolves({});
    await addOrder(context(), "ops-made-user", parse("ops-made-user", "add").order);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, { TableName: "orders-tenant2", Item: expect.objectContaining({ userId: SUB }) });
  });

  it("uses the configured user's tenant when Cognito agrees", async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(cognitoUser("tenant1"));
    await expect(resolveUser(context(), "tenant1-user")).resolves.toMatchObject({ tenantId: "tenant1", tableName: "orders-tenant1" });
  });

  it("refuses, touching no table, when Cognito and the outputs disagree", async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(cognitoUser("tenant2"));
    await expect(resolveUser(context(), "tenant1-user")).rejects.toThrow(TenantMismatchError);
    await expect(addOrder(context(), "tenant1-user", parse("tenant1-user", "add").order)).rejects.toThrow(TenantMismatchError);
    expect(ddbMock).not.toHaveReceivedCommand(PutCommand);
    expect(ddbMock).not.toHaveReceivedCommand(QueryCommand);
  });

  it("names unknown users, and tenants without an orders table", async () => {
    cognitoMock.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: "User does not exist.", $metadata: {} }));
    await expect(resolveUser(context(), "nobody")).rejects.toThrow(UnknownUserError);
    cognitoMock.on(AdminGetUserCommand).resolves(cognitoUser("tenant9"));
    await expect(resolveUser(context(), "elsewhere")).rejects.toThrow(StackOutputsError);
    cognitoMock.on(AdminGetUserCommand).resolves({ Username: "x", UserAttributes: [{ Name: "custom:tenantId", Value: "tenant1" }] });
    await expect(resolveUser(context(), "tenant1-user")).rejects.toThrow(/has no sub/);
  });

  it("runOrdersCli prints usage and exits 2 on bad arguments, and a one-line error and exits 1 on a stack problem", async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (line: string) => void err.push(line) };
    expect(await runOrdersCli(["u1"], io)).toBe(2);
    expect(err[0]).toMatch(/expected <username> and a command[\s\S]*usage: npm run orders/);
    err.length = 0;
    expect(await runOrdersCli(["u1", "list", "--outputs", "/nonexistent/stack-outputs.json"], io)).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^cannot read stack outputs at \/nonexistent\/stack-outputs.json/)]);
  });

  it("runOrdersCli --help prints the usage on stdout and exits 0, touching no stack", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (line: string) => void out.push(line), err: (line: string) => void err.push(line) };
    expect(await runOrdersCli(["--help"], io)).toBe(0);
    expect(await runOrdersCli(["u1", "add", "-h", "--outputs", "/nonexistent/stack-outputs.json"], io)).toBe(0);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^usage: npm run orders[\s\S]*--total[\s\S]*--date/);
    expect(err).toEqual([]);
    expect(cognitoMock).not.toHaveReceivedCommand(AdminGetUserCommand);
  });

  it("runOrdersCli refuses --total 1e20 before any AWS call, with the sentence and the usage", async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (line: string) => void err.push(line) };
    expect(await runOrdersCli(["tenant1-user", "add", "--total", "1e20"], io)).toBe(2);
    expect(err[0]).toMatch(/^--total must be an amount above 0 and at most 1,000,000/);
    expect(err[0]).not.toMatch(/MAX_SAFE_INTEGER/);
    expect(cognitoMock).not.toHaveReceivedCommand(AdminGetUserCommand);
    expect(ddbMock).not.toHaveReceivedCommand(PutCommand);
  });
});
