/**
 * `$connect` stores identity from the authorizer context only and echoes the app
 * subprotocol (never the token).
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { handleConnect } from "../../../../lambdas/chat/connect";
import { MAX_CONNECTION_SECONDS } from "../../../../lambdas/shared/connections";
import {
  APP_PROTOCOL,
  CONNECTION_A,
  FAKE_JWT,
  NOW,
  NOW_SECONDS,
  TENANT_A,
  TOKEN_EXPIRES_AT,
  USER_A,
  testDependencies,
  wsEvent,
} from "./fixtures";

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
});

describe("$connect", () => {
  it("stores the connection from the authorizer context and echoes only the app protocol", async () => {
    const result = await handleConnect(
      wsEvent("$connect", { headers: { "Sec-WebSocket-Protocol": `${APP_PROTOCOL}, ${FAKE_JWT}` } }),
      testDependencies(),
    );

    expect(result).toEqual({ statusCode: 200, headers: { "Sec-WebSocket-Protocol": APP_PROTOCOL } });
    expect(JSON.stringify(result)).not.toContain(FAKE_JWT);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: "multi-tenant-assistant-test-connections",
      Item: {
        connectionId: CONNECTION_A,
        userId: USER_A,
        tenantId: TENANT_A,
        connectedAt: NOW.toISOString(),
        tokenExpiresAt: TOKEN_EXPIRES_AT,
        ttl: NOW_SECONDS + MAX_CONNECTION_SECONDS + 300,
      },
    });
  });

  it("matches the header name case-insensitively", async () => {
    const result = await handleConnect(
      wsEvent("$connect", { headers: { "sec-websocket-protocol": `${APP_PROTOCOL},${FAKE_JWT}` } }),
      testDependencies(),
    );
    expect(result.headers).toEqual({ "Sec-WebSocket-Protocol": APP_PROTOCOL });
  });

  it("echoes nothing when the client did not offer the app protocol", async () => {
    const result = await handleConnect(
      wsEvent("$connect", { headers: { "Sec-WebSocket-Protocol": `other.v2, ${FAKE_JWT}` } }),
      testDependencies(),
    );
    expect(result).toEqual({ statusCode: 200 });
  });

  it("echoes nothing when no subprotocol was offered", async () => {
    const result = await handleConnect(wsEvent("$connect", { headers: {} }), testDependencies());
    expect(result).toEqual({ statusCode: 200 });
  });

  it("reads the offer from repeated header lines (multiValueHeaders)", async () => {
    const event = { ...wsEvent("$connect"), multiValueHeaders: { "SEC-WEBSOCKET-PROTOCOL": [APP_PROTOCOL, FAKE_JWT] } };
    const result = await handleConnect(event, testDependencies());
    expect(result.headers).toEqual({ "Sec-WebSocket-Protocol": APP_PROTOCOL });
  });

  it("does not mistake a protocol with the app protocol as a prefix for it", async () => {
    const result = await handleConnect(
      wsEvent("$connect", { headers: { "Sec-WebSocket-Protocol": `${APP_PROTOCOL}x` } }),
      testDependencies(),
    );
    expect(result.headers).toBeUndefined();
  });

  it.each([
    ["missing", undefined],
    ["empty", {}],
    ["without userId", { tenantId: TENANT_A, tokenExpiresAt: TOKEN_EXPIRES_AT }],
    ["with a malformed tenant", { userId: USER_A, tenantId: "Tenant_1", tokenExpiresAt: TOKEN_EXPIRES_AT }],
    ["without an expiry", { userId: USER_A, tenantId: TENANT_A }],
  ])("refuses with 403 and stores nothing when the authorizer context is %s", async (_label, authorizer) => {
    const result = await handleConnect(
      wsEvent("$connect", { authorizer, headers: { "Sec-WebSocket-Protocol": `${APP_PROTOCOL}, ${FAKE_JWT}` } }),
      testDependencies(),
    );
    expect(result).toEqual({ statusCode: 403 });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
  });

  it("never takes identity from headers or query the client controls", async () => {
    const event = wsEvent("$connect", { headers: { "x-tenant-id": "tenant2", "x-user-id": "someone" } });
    await handleConnect(event, testDependencies());
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ userId: USER_A, tenantId: TENANT_A }) });
  });

  it("answers 500 when the record cannot be stored", async () => {
    ddb.on(PutCommand).rejects(new Error("ResourceNotFoundException"));
    const result = await handleConnect(wsEvent("$connect"), testDependencies());
    expect(result).toEqual({ statusCode: 500 });
  });
});
