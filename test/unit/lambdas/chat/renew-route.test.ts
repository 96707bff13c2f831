/**
 * lambdas/chat/renew-route.ts: the `renew` frame. Tokens are real RS256 JWTs verified by
 * the authorizer's own verifier against a JWKS served over HTTP (no mock of the library);
 * DynamoDB and the management API are mocked. Real time: aws-jwt-verify reads the clock.
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import type { ChatConfig } from "../../../../lambdas/chat/config";
import { createIdTokenCheck, decideRenew, RENEW_OTHER_USER_MESSAGE } from "../../../../lambdas/chat/renew-route";
import { handleMessage } from "../../../../lambdas/chat/routes";
import { connectionRecord, KnownOwners } from "../../../../lambdas/common/connections";
import { createLogger } from "../../../../lambdas/common/logger";
import { MAX_RENEW_TOKEN_CHARS } from "../../../../lambdas/common/protocol";
import {
  createSigningKey,
  jwksOf,
  type JwksServer,
  type SigningKey,
  startJwksServer,
  TestIdentityProvider,
} from "../../../../local/cognito/test-identity-provider";
import { captureOutput } from "../authorizer/fixtures";
import {
  answerIdOf,
  askBody,
  CONFIG,
  CONNECTION_A,
  MemoryRevocations,
  repliedEvents,
  TENANT_A,
  TENANT_B,
  testDependencies,
  USER_A,
  USER_B,
  wsEvent,
} from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);
const lambda = mockClient(LambdaClient);

let key: SigningKey;
let server: JwksServer;
let idp: TestIdentityProvider;
let config: ChatConfig;

beforeAll(async () => {
  key = createSigningKey("renew-key");
  server = await startJwksServer(jwksOf(key));
  idp = new TestIdentityProvider({ issuer: server.issuer, clientId: CONFIG.idTokens.clientId, key });
  config = { ...CONFIG, idTokens: { ...CONFIG.idTokens, issuerOverride: { issuer: server.issuer, jwksUri: server.jwksUri } } };
});
afterAll(() => server.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** The connection's own token, about to expire (or already expired). */
const oldContext = (expiresIn = 30, userId = USER_A, tenantId = TENANT_A) => ({
  principalId: userId,
  userId,
  tenantId,
  tokenExpiresAt: nowSeconds() + expiresIn,
  tokenIssuedAt: nowSeconds() - 900,
});
const freshToken = (claims: Record<string, unknown> = {}) =>
  idp.idToken({ sub: USER_A, "custom:tenantId": TENANT_A, exp: nowSeconds() + 900, ...claims });
const renewBody = (token: string) => JSON.stringify({ action: "renew", token });
const storedRecord = (authorizer: ReturnType<typeof oldContext>) =>
  connectionRecord({ connectionId: CONNECTION_A, userId: authorizer.userId, tenantId: authorizer.tenantId, tokenExpiresAt: authorizer.tokenExpiresAt, now: new Date() });

function deps(revocations = new MemoryRevocations()) {
  return testDependencies({ config, idTokens: createIdTokenCheck(config), revocations, now: () => new Date() });
}

async function renew(token: string, authorizer = oldContext(), d = deps()) {
  const result = await handleMessage(wsEvent("$default", { body: renewBody(token), authorizer }), d);
  return { result, events: repliedEvents(api, result).map((e) => e.event) };
}

beforeEach(() => {
  ddb.reset();
  api.reset();
  lambda.reset();
  ddb.on(GetCommand).resolves({ Item: storedRecord(oldContext()) });
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  api.on(PostToConnectionCommand).resolves({});
  api.on(DeleteConnectionCommand).resolves({});
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
});

describe("renew: the allowed path", () => {
  it("verifies the owner's fresh token, moves the record's expiry forward (conditionally) and answers renewed", async () => {
    const token = freshToken();
    const exp = nowSeconds() + 900;
    const { result, events } = await renew(token);
    expect(result).toEqual({ statusCode: 200, body: JSON.stringify({ type: "renewed", expiresAt: exp }) });
    expect(api).not.toHaveReceivedCommand(PostToConnectionCommand);
    expect(events).toEqual([{ type: "renewed", expiresAt: exp }]);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: CONFIG.connectionsTableName,
      Item: expect.objectContaining({ connectionId: CONNECTION_A, userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: exp }),
      ConditionExpression: "userId = :u AND tenantId = :t",
      ExpressionAttributeValues: { ":u": USER_A, ":t": TENANT_A },
    });
    expect(api).not.toHaveReceivedCommand(DeleteConnectionCommand);
  });

  it("an ask and a stop are served after the connection's first token expired, once renewed", async () => {
    const expired = oldContext(-5);
    ddb.on(GetCommand).resolves({ Item: { ...storedRecord(expired), tokenExpiresAt: nowSeconds() + 900 } });
    const asked = await handleMessage(wsEvent("ask", { body: askBody(), authorizer: expired }), deps());
    const stopped = await handleMessage(
      wsEvent("$default", { body: JSON.stringify({ action: "stop", answerId: answerIdOf() }), authorizer: expired }),
      deps(),
    );
    expect([asked, stopped].map((result) => JSON.parse(result.body ?? "{}").type)).toEqual(["accepted", "stopping"]);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });

  it("without a renewal, the same ask and stop are token_expired (the test above can fail)", async () => {
    const expired = oldContext(-5);
    ddb.on(GetCommand).resolves({ Item: storedRecord(expired) });
    const asked = await handleMessage(wsEvent("ask", { body: askBody(), authorizer: expired }), deps());
    const stopped = await handleMessage(
      wsEvent("$default", { body: JSON.stringify({ action: "stop", answerId: answerIdOf() }), authorizer: expired }),
      deps(),
    );
    expect([asked, stopped].map((result) => JSON.parse(result.body ?? "{}").code)).toEqual(["token_expired", "token_expired"]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
  });

  it("never moves the expiry back (an older but valid token keeps the later expiry)", async () => {
    const authorizer = oldContext(1200);
    ddb.on(GetCommand).resolves({ Item: storedRecord(authorizer) });
    const { events } = await renew(freshToken(), authorizer);
    expect(events).toEqual([{ type: "renewed", expiresAt: authorizer.tokenExpiresAt }]);
  });

  it("never logs the token or its signature", async () => {
    const output = captureOutput();
    const token = freshToken();
    const other = idp.idToken({ sub: USER_B, "custom:tenantId": TENANT_A });
    try {
      const logger = createLogger("chat-test");
      await handleMessage(wsEvent("$default", { body: renewBody(token), authorizer: oldContext() }), { ...deps(), logger });
      await handleMessage(wsEvent("$default", { body: renewBody(other), authorizer: oldContext() }), { ...deps(), logger });
      await handleMessage(wsEvent("$default", { body: renewBody(`${token}x`), authorizer: oldContext() }), { ...deps(), logger });
    } finally {
      output.restore();
    }
    expect(output.text()).toContain("connection renewed");
    for (const secret of [token, other, token.split(".")[2], other.split(".")[2]]) expect(output.text()).not.toContain(secret);
  });
});

describe("renew: refused with the connection closed", () => {
  it("another user's token (same tenant): forbidden, record deleted, DeleteConnection, nothing written", async () => {
    const { result, events } = await renew(idp.idToken({ sub: USER_B, "custom:tenantId": TENANT_A }));
    expect(events).toEqual([{ type: "error", code: "forbidden", message: RENEW_OTHER_USER_MESSAGE }]);
    // Posted before the hang-up (a route response would come after it, to a closed connection).
    expect(result).toEqual({ statusCode: 200 });
    expect(api.commandCalls(PostToConnectionCommand).length).toBe(1);
    expect(api.calls().map((call) => (call.args[0] as object).constructor.name)).toEqual(["PostToConnectionCommand", "DeleteConnectionCommand"]);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { TableName: CONFIG.connectionsTableName, Key: { connectionId: CONNECTION_A } });
    expect(api).toHaveReceivedCommandWith(DeleteConnectionCommand, { ConnectionId: CONNECTION_A });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it("the owner's sub with another tenant: forbidden and closed", async () => {
    const { events } = await renew(freshToken({ "custom:tenantId": TENANT_B }));
    expect(events).toEqual([expect.objectContaining({ code: "forbidden", message: RENEW_OTHER_USER_MESSAGE })]);
    expect(api).toHaveReceivedCommandWith(DeleteConnectionCommand, { ConnectionId: CONNECTION_A });
  });

  it("a token issued before the user's offboarding (I17): session_ended and closed; one issued after is served", async () => {
    const revocations = new MemoryRevocations();
    revocations.records.set(USER_A, nowSeconds() - 60);
    const old = await renew(freshToken({ iat: nowSeconds() - 120 }), oldContext(), deps(revocations));
    expect(old.events).toEqual([expect.objectContaining({ type: "error", code: "session_ended" })]);
    expect(api).toHaveReceivedCommandWith(DeleteConnectionCommand, { ConnectionId: CONNECTION_A });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    api.reset();
    api.on(PostToConnectionCommand).resolves({});
    const fresh = await renew(freshToken(), oldContext(), deps(revocations));
    expect(fresh.events.map((e) => e.type)).toEqual(["renewed"]);
  });

  it("the environment forgets the owner it hung up on: a next ask reads the record, finds it gone and is refused (even if the hang-up failed)", async () => {
    const knownOwners = new KnownOwners();
    knownOwners.remember(storedRecord(oldContext()));
    const d = { ...deps(), knownOwners };
    api.on(DeleteConnectionCommand).rejects(new Error("InternalServerError"));
    await renew(idp.idToken({ sub: USER_B, "custom:tenantId": TENANT_A }), oldContext(), d);
    expect(knownOwners.get(CONNECTION_A)).toBeUndefined();
    ddb.on(GetCommand).resolves({});
    api.resetHistory();
    const result = await handleMessage(wsEvent("ask", { body: askBody(), authorizer: oldContext() }), d);
    expect(repliedEvents(api, result).map((e) => e.event)).toEqual([expect.objectContaining({ type: "error", code: "forbidden", answerId: answerIdOf() })]);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
  });

  it("closes the connection even when the refusal could not be posted", async () => {
    api.on(PostToConnectionCommand).rejects(new Error("InternalServerError"));
    await renew(idp.idToken({ sub: USER_B, "custom:tenantId": TENANT_A }));
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { connectionId: CONNECTION_A } });
    expect(api).toHaveReceivedCommandWith(DeleteConnectionCommand, { ConnectionId: CONNECTION_A });
  });

  it("a connection already gone when hanging up is fine", async () => {
    api.on(DeleteConnectionCommand).rejects(Object.assign(new Error("gone"), { name: "GoneException" }));
    const { result } = await renew(idp.idToken({ sub: USER_B, "custom:tenantId": TENANT_A }));
    expect(result).toEqual({ statusCode: 200 });
  });
});

describe("renew: refused, the connection left as it was", () => {
  it.each<[string, string, () => string]>([
    ["an expired token", "token_expired", () => freshToken({ exp: nowSeconds() - 10, iat: nowSeconds() - 1000 })],
    ["a token signed by another key", "forbidden", () => idp.idToken({ sub: USER_A, "custom:tenantId": TENANT_A }, { key: createSigningKey("renew-key") })],
    ["an access token", "forbidden", () => idp.accessToken({ sub: USER_A })],
    ["another app client's ID token", "forbidden", () => freshToken({ aud: "another-client" })],
    ["another issuer's token", "forbidden", () => freshToken({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" })],
    ["a token of an unconfigured tenant", "forbidden", () => freshToken({ "custom:tenantId": "tenant9" })],
    ["a token without a tenant", "forbidden", () => freshToken({ "custom:tenantId": undefined })],
    ["alg none", "forbidden", () => freshToken().split(".").slice(0, 2).join(".") + "."],
    ["garbage", "forbidden", () => "not.a.token"],
  ])("%s: %s, no write, no hang-up", async (_label, code, token) => {
    const { events } = await renew(token());
    expect(events).toEqual([expect.objectContaining({ type: "error", code })]);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(api).not.toHaveReceivedCommand(DeleteConnectionCommand);
  });

  it("a connection without a record (or whose record changed meanwhile) is not renewed", async () => {
    ddb.on(GetCommand).resolves({});
    expect((await renew(freshToken())).events).toEqual([expect.objectContaining({ code: "forbidden" })]);
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    api.reset();
    api.on(PostToConnectionCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: storedRecord(oldContext()) });
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: "changed", $metadata: {} }));
    expect((await renew(freshToken())).events).toEqual([expect.objectContaining({ code: "forbidden" })]);
  });

  it.each([
    ["without a token", JSON.stringify({ action: "renew" }), "token:"],
    ["with an empty token", JSON.stringify({ action: "renew", token: "" }), "token must not be empty"],
    ["with an oversize token", JSON.stringify({ action: "renew", token: "a".repeat(MAX_RENEW_TOKEN_CHARS + 1) }), `at most ${MAX_RENEW_TOKEN_CHARS}`],
    ["with an extra field", JSON.stringify({ action: "renew", token: "a.b.c", userId: USER_B }), "userId"],
  ])("a frame %s is bad_request", async (_label, body, expected) => {
    const result = await handleMessage(wsEvent("$default", { body, authorizer: oldContext() }), deps());
    const events = repliedEvents(api, result).map((e) => e.event);
    expect(events).toEqual([expect.objectContaining({ type: "error", code: "bad_request" })]);
    expect((events[0] as { message: string }).message).toContain(expected);
  });
});

describe("decideRenew", () => {
  const caller = { userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: 1000, tokenIssuedAt: 100 };
  const record = connectionRecord({ connectionId: CONNECTION_A, userId: USER_A, tenantId: TENANT_A, tokenExpiresAt: 1000, now: new Date() });
  const base = { caller, renewal: { ...caller, tokenExpiresAt: 2000, tokenIssuedAt: 900 }, connectionId: CONNECTION_A, record, revoked: false };

  it("allows the owner, with the later expiry", () => expect(decideRenew(base)).toEqual({ ok: true, expiresAt: 2000 }));
  it("checks the owner before the offboarding record", () =>
    expect(decideRenew({ ...base, renewal: { ...base.renewal, userId: USER_B }, revoked: true })).toMatchObject({ code: "forbidden", hangUp: true }));
  it("refuses a record of another connection without hanging up", () =>
    expect(decideRenew({ ...base, record: { ...record, connectionId: "other=" } })).toMatchObject({ ok: false, hangUp: false }));
});
