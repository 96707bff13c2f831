/**
 * The `$connect` handler end to end (header → verification → claims → policy), with the
 * verifier pointed at a JWKS on 127.0.0.1. Each rejection is a Deny without identity, logs
 * its code, and never logs the token; the allowed path is checked alongside. The logger
 * here has no redaction, so a handler that logged a token would fail these tests.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { createAuthorizerHandler, type WebSocketAuthorizerEvent } from "../../../../lambdas/authorizer/authorize";
import type { AuthorizerPolicy } from "../../../../lambdas/authorizer/policy";
import { createTokenVerifier } from "../../../../lambdas/authorizer/verifier";
import { createSigningKey, jwksOf, startJwksServer, TestIdentityProvider, type JwksServer, type SigningKey } from "../../../support/jwt-signer";
import { APP_PROTOCOL, captureOutput, CLIENT_ID, connectEvent, METHOD_ARN, overrideConfig, withToken } from "./fixtures";

const SUB = "6b2e3f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

let server: JwksServer;
let key: SigningKey;
let foreignKey: SigningKey;
let idp: TestIdentityProvider;
let handler: (event: WebSocketAuthorizerEvent) => Promise<AuthorizerPolicy>;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  key = createSigningKey("k1");
  foreignKey = createSigningKey("k1");
  server = await startJwksServer(jwksOf(key));
  idp = new TestIdentityProvider({ issuer: server.issuer, clientId: CLIENT_ID, key });
  const config = overrideConfig(server.issuer, server.jwksUri);
  handler = createAuthorizerHandler({
    config,
    verifier: createTokenVerifier(config),
    logger: new Logger({ serviceName: "authorizer-test", logLevel: "INFO" }),
  });
});

afterAll(() => server.close());

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => output.restore());

function logEntries(): Array<Record<string, unknown>> {
  return output.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
}

function expectDenied(policy: AuthorizerPolicy, code: string): void {
  expect(policy.policyDocument.Statement).toEqual([{ Action: "execute-api:Invoke", Effect: "Deny", Resource: expect.any(String) }]);
  expect(policy.context).toBeUndefined();
  expect(policy.principalId).not.toBe(SUB);
  expect(logEntries()).toEqual([expect.objectContaining({ level: "WARN", message: "connection refused", code })]);
}

it("allows a genuine ID token, scoped to the methodArn, with the identity as context", async () => {
  const exp = Math.floor(Date.now() / 1000) + 1800;
  const token = idp.idToken({ sub: SUB, "custom:tenantId": "tenant2", exp });
  const policy = await handler(withToken(token));
  expect(policy).toEqual({
    principalId: SUB,
    policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: METHOD_ARN }] },
    context: { userId: SUB, tenantId: "tenant2", tokenExpiresAt: exp },
  });
  expect(logEntries()).toEqual([
    expect.objectContaining({ level: "INFO", message: "connection authorized", tenantId: "tenant2", userId: SUB }),
  ]);
});

it("reads the header whatever its case, from headers alone", async () => {
  const event = connectEvent(undefined, { headers: { "sec-websocket-protocol": `${APP_PROTOCOL},${idp.idToken({ sub: SUB })}` }, multiValueHeaders: null });
  expect((await handler(event)).policyDocument.Statement[0].Effect).toBe("Allow");
});

const now = () => Math.floor(Date.now() / 1000);

it.each<[string, () => WebSocketAuthorizerEvent, string]>([
  ["no Sec-WebSocket-Protocol header", () => connectEvent(), "missing_token"],
  ["the app protocol without a token", () => connectEvent(APP_PROTOCOL), "missing_token"],
  ["a wrong app protocol", () => connectEvent(`chat.v9, ${idp.idToken()}`), "wrong_protocol"],
  ["a garbled token", () => withToken("garbage"), "malformed_token"],
  ["a bad signature (another key)", () => withToken(idp.idToken({}, { key: foreignKey })), "bad_signature"],
  ["alg: none", () => withToken(idp.idToken({}, { header: { alg: "none" }, signature: "none" })), "bad_algorithm"],
  ["a wrong issuer", () => withToken(idp.idToken({ iss: "http://127.0.0.1:1/local_other" })), "wrong_issuer"],
  ["a wrong audience", () => withToken(idp.idToken({ aud: "other-client" })), "wrong_audience"],
  ["an access token", () => withToken(idp.accessToken()), "wrong_token_use"],
  ["an expired token", () => withToken(idp.idToken({ iat: now() - 4000, exp: now() - 400 })), "expired"],
  ["no custom:tenantId", () => withToken(idp.idToken({ "custom:tenantId": undefined })), "missing_tenant"],
  ["tenantId ../x", () => withToken(idp.idToken({ "custom:tenantId": "../x" })), "bad_tenant"],
  ["tenantId TENANT1", () => withToken(idp.idToken({ "custom:tenantId": "TENANT1" })), "bad_tenant"],
  ["a tenant that is not configured", () => withToken(idp.idToken({ "custom:tenantId": "tenant9" })), "unknown_tenant"],
  ["a sub that is not a Cognito sub", () => withToken(idp.idToken({ sub: "admin" })), "bad_subject"],
  [
    "a token in the query string (and none in the header)",
    () => connectEvent(APP_PROTOCOL, { queryStringParameters: { token: idp.idToken() }, multiValueQueryStringParameters: { token: [idp.idToken()] } }),
    "token_in_url",
  ],
  [
    "a token in the query string next to a valid header",
    () => withToken(idp.idToken(), { queryStringParameters: { access_token: idp.idToken() } }),
    "token_in_url",
  ],
  ["a missing methodArn", () => withToken(idp.idToken(), { methodArn: undefined }), "bad_request"],
])("denies %s and logs only the code", async (_label, makeEvent, code) => {
  const event = makeEvent();
  const policy = await handler(event);
  expectDenied(policy, code);
  const tokens = [...JSON.stringify(event).matchAll(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g)].map((m) => m[0]);
  for (const token of tokens) {
    expect(output.text()).not.toContain(token);
    expect(output.text()).not.toContain(token.split(".")[1]);
  }
});

it("survives events that are not shaped like API Gateway's at all", async () => {
  for (const event of [{}, { headers: null }, { headers: { "Sec-WebSocket-Protocol": 42 } }, null] as unknown as WebSocketAuthorizerEvent[]) {
    const policy = await handler(event);
    expect(policy.policyDocument.Statement[0].Effect).toBe("Deny");
  }
});

it("never logs the token or the event on the allowed path either", async () => {
  const token = idp.idToken({ sub: SUB });
  await handler(withToken(token));
  const text = output.text();
  expect(text).not.toContain(token);
  for (const part of token.split(".")) expect(text).not.toContain(part);
  expect(text).not.toContain("Sec-WebSocket-Protocol");
});
