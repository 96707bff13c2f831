/**
 * The action-group Lambda as deployed (index.ts wiring), with DynamoDB and the
 * management API mocked. Identity comes only from sessionAttributes; tenant data is read
 * only with the scoped credentials; the own role only checks the connection owner.
 */
import type { BedrockAgentFunctionResponse } from "@aws-lambda-powertools/event-handler/types";
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { TOOL_FUNCTIONS } from "../../../../lambdas/action-group/function-schema";
import type { ActionGroupHandler } from "../../../../lambdas/action-group/handler";
import type { ScopedCredentials } from "../../../../lambdas/common/scoped-credentials";
import { ScopedDynamoDb } from "../../../../lambdas/common/scoped-dynamodb";
import {
  ANSWER_ID,
  bedrockEvent,
  CONNECTION_ID,
  ENV,
  installFunctionEnvironment,
  OTHER_TENANT,
  OTHER_USER,
  ROLE_KEY,
  SCOPED_KEY,
  SCOPED_SECRET,
  SCOPED_TOKEN,
  sessionAttributes,
  TENANT,
  USER,
} from "./fixtures";
import { captureOutput } from "../../../support/captured-output";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);

/**
 * The mock answers before any signing, so the credentials each tenant-data command was sent
 * with are recorded where the tools hand them over (test/unit/lambdas/common/scoped-dynamodb.test.ts
 * shows that a request is signed with exactly those).
 */
const sentWith = new WeakMap<object, ScopedCredentials>();
const tenantTables: ScopedDynamoDb[] = [];
const scopedAs = ScopedDynamoDb.prototype.as;
jest.spyOn(ScopedDynamoDb.prototype, "as").mockImplementation(function (this: ScopedDynamoDb, credentials: ScopedCredentials) {
  if (!tenantTables.includes(this)) tenantTables.push(this);
  const sender = scopedAs.call(this, credentials);
  const send = ((command: object, ...rest: unknown[]) => {
    sentWith.set(command, credentials);
    return Reflect.apply(sender.send, sender, [command, ...rest]);
  }) as typeof sender.send;
  return { send };
});

let handler: ActionGroupHandler;

beforeAll(async () => {
  installFunctionEnvironment();
  ({ handler } = await import("../../../../lambdas/action-group/index"));
});

const ORDERS_TABLE = `${ENV.ORDERS_TABLE_PREFIX}${TENANT}`;
const TENANT_ITEM = { tenantId: TENANT, displayName: "Tenant One", returnPolicyDays: 10 };
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

function order(orderId: string, orderDate: string) {
  return { userId: USER, orderId, orderDate, total: 42.5, currency: "EUR", status: "delivered", items: [{ name: "Mug", quantity: 1 }] };
}

function ownConnection(userId = USER, connectionId = CONNECTION_ID, tenantId = TENANT) {
  return { connectionId, userId, tenantId, connectedAt: daysAgo(0), tokenExpiresAt: 0, ttl: 0 };
}

/**
 * A connection this module's environment has not seen: it remembers the owners it has read
 * (I6, KnownOwners), so a test of the owner check needs a connection of its own.
 */
let connections = 0;
function freshConnection(): { connectionId: string; event: (fn: string) => Record<string, unknown> } {
  const connectionId = `conn-fresh-${(connections += 1)}=`;
  return { connectionId, event: (fn) => bedrockEvent(fn, { sessionAttributes: sessionAttributes({ connectionId }) }) };
}

beforeEach(() => {
  ddb.reset();
  api.reset();
  ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).resolves({ Item: ownConnection() });
  ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).resolves({ Item: TENANT_ITEM });
  api.on(PostToConnectionCommand).resolves({});
});

function body(response: BedrockAgentFunctionResponse): unknown {
  return JSON.parse(response.response.functionResponse.responseBody.TEXT.body);
}

type Call = ReturnType<typeof ddb.calls>[number];

/** The access key a request was sent with: the session's for tenant data, else its client's own. */
async function accessKeyOf(call: { thisValue: unknown; args: readonly object[] }): Promise<string> {
  const scoped = sentWith.get(call.args[0]);
  if (scoped) return scoped.accessKeyId;
  const credentials = await (call.thisValue as DynamoDBDocumentClient).config.credentials();
  return credentials.accessKeyId;
}

/** DynamoDB calls on tenant data (anything but the connections table). */
function tenantDataCalls(): Call[] {
  return ddb.calls().filter((c) => (c.args[0].input as { TableName?: string }).TableName !== ENV.CONNECTIONS_TABLE_NAME);
}

function statusTexts(connectionId = CONNECTION_ID): string[] {
  return api.commandCalls(PostToConnectionCommand).map((c) => {
    const event = JSON.parse(Buffer.from(c.args[0].input.Data as Uint8Array).toString("utf8"));
    expect(c.args[0].input.ConnectionId).toBe(connectionId);
    expect(event.type).toBe("status");
    expect(event.answerId).toBe(ANSWER_ID);
    return event.text as string;
  });
}

function deny(name: string) {
  return new DynamoDBServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message: "User: arn:aws:sts::1:assumed-role/x is not authorized" });
}

describe("getReturnPolicy", () => {
  it("reads the caller's tenant row with the scoped credentials and answers with the policy", async () => {
    const response = await handler(bedrockEvent("getReturnPolicy"));

    expect(response.response.functionResponse.responseState).toBeUndefined();
    expect(response.response).toMatchObject({ actionGroup: "tenant-orders", function: "getReturnPolicy" });
    expect(body(response)).toEqual({ tenantName: "Tenant One", returnPolicyDays: 10 });
    const [get] = ddb.commandCalls(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME });
    expect(get.args[0].input.Key).toEqual({ tenantId: TENANT });
    expect(sentWith.get(get.args[0])).toMatchObject({
      accessKeyId: SCOPED_KEY,
      secretAccessKey: SCOPED_SECRET,
      sessionToken: SCOPED_TOKEN,
    });
    expect(await (get.thisValue as DynamoDBDocumentClient).config.region()).toBe(ENV.AWS_REGION);
  });

  it("checks the connection owner with its own role and posts a status event", async () => {
    const { connectionId, event } = freshConnection();
    ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).resolves({ Item: ownConnection(USER, connectionId) });
    await handler(event("getReturnPolicy"));

    const [connectionGet] = ddb.commandCalls(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME });
    expect(connectionGet.args[0].input.Key).toEqual({ connectionId });
    expect(await accessKeyOf(connectionGet)).toBe(ROLE_KEY);
    expect(statusTexts(connectionId)).toEqual(["Looking up your return policy…"]);
    // One PostToConnection per tool call: the management API client keeps its resolved middleware.
    const [post] = api.commandCalls(PostToConnectionCommand);
    expect((post.thisValue as ApiGatewayManagementApiClient).config.cacheMiddleware).toBe(true);
  });

  it("reads a connection's owner once per environment: later status events to it read nothing (I6)", async () => {
    const { connectionId, event } = freshConnection();
    ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).resolves({ Item: ownConnection(USER, connectionId) });
    await handler(event("getReturnPolicy"));
    await handler(event("listOrders"));
    await handler(event("getReturnPolicy"));
    expect(ddb.commandCalls(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME })).toHaveLength(1);
    expect(statusTexts(connectionId)).toHaveLength(3);
  });

  it("never returns session attributes (and so never the credentials) in its response", async () => {
    const response = await handler(bedrockEvent("getReturnPolicy"));
    expect(response).not.toHaveProperty("sessionAttributes");
    expect(JSON.stringify(response)).not.toContain(SCOPED_SECRET);
  });

  it("refuses a tenant row without a policy as tenant_not_configured", async () => {
    ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).resolves({});
    const response = await handler(bedrockEvent("getReturnPolicy"));
    expect(response.response.functionResponse.responseState).toBe("FAILURE");
    expect(body(response)).toMatchObject({ error: "tenant_not_configured" });
  });
});

describe("listOrders", () => {
  it("queries only the caller's partition of the caller's tenant table, newest first", async () => {
    ddb.on(QueryCommand).resolves({ Items: [order("o-1", daysAgo(30)), order("o-3", daysAgo(1)), order("o-2", daysAgo(5))] });

    const response = await handler(bedrockEvent("listOrders"));

    const [query] = ddb.commandCalls(QueryCommand);
    expect(query.args[0].input).toMatchObject({
      TableName: ORDERS_TABLE,
      KeyConditionExpression: "userId = :sub",
      ExpressionAttributeValues: { ":sub": USER },
    });
    expect(query.args[0].input.Limit).toBeLessThanOrEqual(100);
    expect(await accessKeyOf(query)).toBe(SCOPED_KEY);
    const result = body(response) as { orders: { orderId: string }[] };
    expect(result.orders.map((o) => o.orderId)).toEqual(["o-3", "o-2", "o-1"]);
    expect(result.orders[0]).toEqual({
      orderId: "o-3",
      orderDate: expect.any(String),
      total: 42.5,
      currency: "EUR",
      status: "delivered",
      items: [{ name: "Mug", quantity: 1 }],
    });
    expect(statusTexts()).toEqual(["Looking up your orders…"]);
  });

  it("answers an empty list when the user has no orders", async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const response = await handler(bedrockEvent("listOrders"));
    expect(response.response.functionResponse.responseState).toBeUndefined();
    expect(body(response)).toEqual({ orders: [] });
  });

  it("stops paging at a bound", async () => {
    const page = Array.from({ length: 100 }, (_, i) => order(`o-${i}`, daysAgo(i)));
    ddb.on(QueryCommand).resolves({ Items: page, LastEvaluatedKey: { userId: USER, orderId: "o-99" } });
    const response = await handler(bedrockEvent("listOrders"));
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
    expect((body(response) as { orders: unknown[] }).orders).toHaveLength(50);
  });
});

describe("getOrder", () => {
  const withOrderId = (orderId: string) => ({ parameters: [{ name: "orderId", type: "string", value: orderId }] });

  it("reads the order under the verified user's key and says whether it can be returned", async () => {
    ddb.on(GetCommand, { TableName: ORDERS_TABLE }).resolves({ Item: order("o-7", daysAgo(3)) });

    const response = await handler(bedrockEvent("getOrder", withOrderId("o-7")));

    const [get] = ddb.commandCalls(GetCommand, { TableName: ORDERS_TABLE });
    expect(get.args[0].input.Key).toEqual({ userId: USER, orderId: "o-7" });
    expect(await accessKeyOf(get)).toBe(SCOPED_KEY);
    const result = body(response) as { order: { orderId: string }; returnable: boolean; returnBy: string };
    expect(result.order.orderId).toBe("o-7");
    expect(result.order).not.toHaveProperty("userId");
    expect(result.returnable).toBe(true);
    expect(result.returnBy).toBe(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
    expect(statusTexts()).toEqual(["Looking up order o-7…"]);
  });

  it("uses the tenant's policy days: an old order is no longer returnable", async () => {
    ddb.on(GetCommand, { TableName: ORDERS_TABLE }).resolves({ Item: order("o-8", daysAgo(40)) });
    const result = body(await handler(bedrockEvent("getOrder", withOrderId("o-8"))));
    expect(result).toMatchObject({ returnable: false });
  });

  it("answers not_found (not a failure) for an order the user does not have", async () => {
    ddb.on(GetCommand, { TableName: ORDERS_TABLE }).resolves({});
    const response = await handler(bedrockEvent("getOrder", withOrderId("nope")));
    expect(response.response.functionResponse.responseState).toBeUndefined();
    expect(body(response)).toEqual({ error: "not_found" });
  });

  it.each([["../etc"], [""], ["a".repeat(65)], ["o 1"], ["o-1' OR '1"]])(
    "refuses orderId %p as bad_parameter without touching data",
    async (orderId) => {
      const response = await handler(bedrockEvent("getOrder", withOrderId(orderId)));
      expect(response.response.functionResponse.responseState).toBe("FAILURE");
      expect(body(response)).toMatchObject({ error: "bad_parameter" });
      expect(ddb.calls()).toHaveLength(0);
      expect(api.calls()).toHaveLength(0);
    },
  );

  it("refuses a missing orderId as bad_parameter", async () => {
    const response = await handler(bedrockEvent("getOrder"));
    expect(body(response)).toMatchObject({ error: "bad_parameter" });
  });
});

describe("identity comes only from sessionAttributes (I1)", () => {
  it("ignores tenantId and userId parameters chosen by the model", async () => {
    ddb.on(GetCommand, { TableName: ORDERS_TABLE }).resolves({ Item: order("o-7", daysAgo(3)) });
    ddb.on(QueryCommand).resolves({ Items: [] });
    const injected = [
      { name: "tenantId", type: "string", value: OTHER_TENANT },
      { name: "userId", type: "string", value: OTHER_USER },
    ];

    await handler(bedrockEvent("getOrder", { parameters: [{ name: "orderId", type: "string", value: "o-7" }, ...injected] }));
    await handler(bedrockEvent("listOrders", { parameters: injected }));
    await handler(bedrockEvent("getReturnPolicy", { parameters: injected }));

    const inputs = tenantDataCalls().map((c) => c.args[0].input as Record<string, unknown>);
    expect(inputs.length).toBeGreaterThanOrEqual(4);
    for (const input of inputs) {
      expect([ENV.TENANTS_TABLE_NAME, ORDERS_TABLE]).toContain(input.TableName);
      expect(JSON.stringify(input)).not.toContain(OTHER_TENANT);
      expect(JSON.stringify(input)).not.toContain(OTHER_USER);
    }
  });

  it.each([
    ["absent", undefined],
    ["empty", {}],
    ["a malformed tenant id", sessionAttributes({ tenantId: "Tenant_1/../x" })],
    ["a userId that is not a sub", sessionAttributes({ userId: "admin" })],
    ["no session token", { ...sessionAttributes(), sessionToken: undefined }],
    ["a non-date expiry", sessionAttributes({ credentialsExpiration: "tomorrow" })],
  ])("answers missing_identity when sessionAttributes are %s, reading nothing", async (_label, attributes) => {
    const event = bedrockEvent("getReturnPolicy");
    if (attributes === undefined) delete event.sessionAttributes;
    else event.sessionAttributes = attributes;

    const response = await handler(event);

    expect(response.response.functionResponse.responseState).toBe("FAILURE");
    expect(body(response)).toEqual({ error: "missing_identity", message: expect.any(String) });
    expect(ddb.calls()).toHaveLength(0);
    expect(api.calls()).toHaveLength(0);
  });

  it("answers credentials_expired for expired scoped credentials and never falls back to its own role", async () => {
    const event = bedrockEvent("listOrders", {
      sessionAttributes: sessionAttributes({ credentialsExpiration: new Date(Date.now() - 1000).toISOString() }),
    });
    const response = await handler(event);
    expect(response.response.functionResponse.responseState).toBe("FAILURE");
    expect(body(response)).toMatchObject({ error: "credentials_expired" });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe("denied scoped credentials (I4)", () => {
  it.each(["AccessDeniedException", "UnrecognizedClientException"])(
    "turns %s into access_denied with no second attempt",
    async (name) => {
      ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).rejects(deny(name));

      const response = await handler(bedrockEvent("getReturnPolicy"));

      expect(response.response.functionResponse.responseState).toBe("FAILURE");
      expect(body(response)).toEqual({ error: "access_denied", message: expect.any(String) });
      expect(JSON.stringify(response)).not.toContain("assumed-role");
      const calls = tenantDataCalls();
      expect(calls).toHaveLength(1);
      expect(await accessKeyOf(calls[0])).toBe(SCOPED_KEY);
    },
  );

  it("a denied query in listOrders is access_denied too", async () => {
    ddb.on(QueryCommand).rejects(deny("AccessDeniedException"));
    const response = await handler(bedrockEvent("listOrders"));
    expect(body(response)).toMatchObject({ error: "access_denied" });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it("an unexpected error becomes internal without its message", async () => {
    ddb.on(QueryCommand).rejects(new Error("socket hang up at 10.0.0.1"));
    const response = await handler(bedrockEvent("listOrders"));
    expect(body(response)).toMatchObject({ error: "internal" });
    expect(JSON.stringify(response)).not.toContain("10.0.0.1");
  });
});

describe("status events (I6)", () => {
  it("are not posted when the connection belongs to another user; the tool still answers", async () => {
    const { connectionId, event } = freshConnection();
    ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).resolves({ Item: ownConnection(OTHER_USER, connectionId) });
    const response = await handler(event("getReturnPolicy"));
    expect(body(response)).toEqual({ tenantName: "Tenant One", returnPolicyDays: 10 });
    expect(api.calls()).toHaveLength(0);
    // Remembered as the other user's: refused again without a read, and the allowed path still posts.
    expect(body(await handler(event("getReturnPolicy")))).toMatchObject({ returnPolicyDays: 10 });
    expect(api.calls()).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME })).toHaveLength(1);
    const own = freshConnection();
    ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).resolves({ Item: ownConnection(USER, own.connectionId) });
    await handler(own.event("getReturnPolicy"));
    expect(statusTexts(own.connectionId)).toHaveLength(1);
  });

  it("are not posted when the connection belongs to the same user id in another tenant", async () => {
    const { connectionId, event } = freshConnection();
    ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).resolves({ Item: ownConnection(USER, connectionId, OTHER_TENANT) });
    await handler(event("getReturnPolicy"));
    expect(api.calls()).toHaveLength(0);
  });

  it("are not posted when the connection record is gone, and a missing record is read again", async () => {
    const { event } = freshConnection();
    ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).resolves({});
    const response = await handler(event("getReturnPolicy"));
    expect(body(response)).toMatchObject({ returnPolicyDays: 10 });
    expect(api.calls()).toHaveLength(0);
    await handler(event("getReturnPolicy"));
    expect(ddb.commandCalls(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME })).toHaveLength(2);
  });

  it("ignore a GoneException from the management API", async () => {
    api.on(PostToConnectionCommand).rejects(new GoneException({ message: "gone", $metadata: { httpStatusCode: 410 } }));
    const response = await handler(bedrockEvent("getReturnPolicy"));
    expect(response.response.functionResponse.responseState).toBeUndefined();
    expect(body(response)).toMatchObject({ returnPolicyDays: 10 });
    expect(api.calls()).toHaveLength(1);
  });

  it("do not fail the tool when the owner check or the post fails", async () => {
    const { event } = freshConnection();
    ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).rejects(deny("AccessDeniedException"));
    expect(body(await handler(event("getReturnPolicy")))).toMatchObject({ returnPolicyDays: 10 });

    ddb.on(GetCommand, { TableName: ENV.CONNECTIONS_TABLE_NAME }).resolves({ Item: ownConnection() });
    api.on(PostToConnectionCommand).rejects(new Error("ECONNRESET"));
    expect(body(await handler(bedrockEvent("getReturnPolicy")))).toMatchObject({ returnPolicyDays: 10 });
  });
});

describe("tools and events", () => {
  it("registers exactly the tools of the function schema", async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    for (const { name } of TOOL_FUNCTIONS) {
      const response = await handler(bedrockEvent(name, { parameters: [{ name: "orderId", type: "string", value: "o-1" }] }));
      expect(response.response.functionResponse.responseBody.TEXT.body).not.toContain("has not been registered");
    }
  });

  it("answers an unknown tool with the resolver's error response and reads nothing", async () => {
    const response = await handler(bedrockEvent("deleteAllOrders"));
    expect(response.response.function).toBe("deleteAllOrders");
    expect(response.response.functionResponse.responseBody.TEXT.body).toBe(
      'Error: tool "deleteAllOrders" has not been registered.',
    );
    expect(response).not.toHaveProperty("sessionAttributes");
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each([
    ["null", null],
    ["a string", "getReturnPolicy"],
    ["an array", [bedrockEvent("getReturnPolicy")]],
    ["without function", (() => { const e = bedrockEvent("x"); delete e.function; return e; })()],
    ["without actionGroup", (() => { const e = bedrockEvent("getReturnPolicy"); delete e.actionGroup; return e; })()],
    ["with malformed parameters", { ...bedrockEvent("getOrder"), parameters: "orderId=1" }],
  ])("answers an event that is %s with a bad_event failure", async (_label, event) => {
    const response = await handler(event);
    expect(response.response.functionResponse.responseState).toBe("FAILURE");
    expect(body(response)).toMatchObject({ error: "bad_event" });
    expect(ddb.calls()).toHaveLength(0);
  });

  it("accepts an event with only the fields that matter", async () => {
    const { tenantId, userId, answerId, connectionId } = sessionAttributes();
    const response = await handler({
      actionGroup: "tenant-orders",
      function: "getReturnPolicy",
      sessionAttributes: sessionAttributes({ tenantId, userId, answerId, connectionId }),
    });
    expect(body(response)).toMatchObject({ returnPolicyDays: 10 });
  });

  it("reads every session's tenant data through one client, each read with its own session's keys", async () => {
    await handler(bedrockEvent("getReturnPolicy"));
    await handler(
      bedrockEvent("getReturnPolicy", { sessionAttributes: sessionAttributes({ accessKeyId: "ASIASCOPEDKEY0000002" }) }),
    );
    await handler(bedrockEvent("getReturnPolicy"));
    const calls = ddb.commandCalls(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME });
    expect(new Set(calls.map((c) => c.thisValue)).size).toBe(1);
    expect(tenantTables).toHaveLength(1);
    expect(await Promise.all(calls.map(accessKeyOf))).toEqual([SCOPED_KEY, "ASIASCOPEDKEY0000002", SCOPED_KEY]);
  });
});

describe("logs (I8)", () => {
  it("carry tenantId, userId, answerId and tool, never credentials or the event", async () => {
    const { text: output } = await captureOutput(async () => {
      ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).rejects(deny("AccessDeniedException"));
      await handler(bedrockEvent("getReturnPolicy"));
      ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).resolves({ Item: TENANT_ITEM });
      await handler(bedrockEvent("getReturnPolicy"));
    });
    expect(output).toContain('"tenantId":"tenant1"');
    expect(output).toContain(`"userId":"${USER}"`);
    expect(output).toContain(`"answerId":"${ANSWER_ID}"`);
    expect(output).toContain('"tool":"getReturnPolicy"');
    expect(output).toContain('"errorCode":"access_denied"');
    for (const secret of [SCOPED_KEY, SCOPED_SECRET, SCOPED_TOKEN, "inputText", "what is my return policy"]) {
      expect(output).not.toContain(secret);
    }
  });
});

describe("logs: one logger per environment", () => {
  it("a tool call's keys never reach a later invocation's lines", async () => {
    const { lines: parsed } = await captureOutput(async () => {
      ddb.on(GetCommand, { TableName: ENV.TENANTS_TABLE_NAME }).rejects(deny("AccessDeniedException"));
      await handler(bedrockEvent("getReturnPolicy"));
      await handler({ not: "an agent event" });
    });
    expect(parsed.find((line) => line.message === "tool refused")).toMatchObject({ tool: "getReturnPolicy", userId: USER, answerId: ANSWER_ID });
    const later = parsed.find((line) => line.message === "malformed event refused");
    expect(later).toBeDefined();
    for (const key of ["tool", "tenantId", "userId", "answerId"]) expect(later).not.toHaveProperty(key);
  });
});

describe("start-up", () => {
  it("fails an invocation of a misconfigured function with one structured line naming the variable, never its value", async () => {
    const saved = { ...process.env };
    // The explicit service name wins over the environment's.
    Object.assign(process.env, { TENANTS_TABLE_NAME: "bad table/secret-ish", POWERTOOLS_SERVICE_NAME: "something-else" });
    let failure: unknown;
    let logged: string;
    try {
      ({ text: logged } = await captureOutput(() =>
        jest.isolateModulesAsync(async () => {
          // Loading needs no configuration: nothing is parsed before the first invocation.
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only once the environment is set
          const fresh = (require("../../../../lambdas/action-group/index") as { handler: ActionGroupHandler }).handler;
          failure = await fresh(bedrockEvent("getReturnPolicy")).catch((error: unknown) => error);
        }),
      ));
    } finally {
      process.env = saved;
    }
    expect(failure).toMatchObject({ name: "ActionGroupConfigError", message: expect.stringContaining("TENANTS_TABLE_NAME") });
    expect(JSON.parse(logged.trim().split("\n")[0])).toMatchObject({
      level: "ERROR",
      service: "action-group",
      message: "action-group is misconfigured",
      errorName: "ActionGroupConfigError",
      errorCode: "bad_config",
      detail: expect.stringContaining("TENANTS_TABLE_NAME"),
    });
    expect(logged).not.toContain("secret-ish");
    expect(ddb.calls()).toHaveLength(0);
  });
});
