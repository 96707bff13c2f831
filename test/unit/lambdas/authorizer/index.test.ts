/**
 * The deployed entry point, configured through its environment exactly as the local stack
 * configures it (issuer override, JWKS on 127.0.0.1): the verifier lives at module scope,
 * so a warm container downloads the JWKS once; a bad configuration fails the invocation.
 */
import type { WebSocketAuthorizerEvent } from "../../../../lambdas/authorizer/authorize";
import { toEnvironment } from "../../../../lambdas/authorizer/config";
import type { AuthorizerPolicy } from "../../../../lambdas/authorizer/authorize";
import { createSigningKey, jwksOf, startJwksServer, TestIdentityProvider, type JwksServer } from "../../../../local/cognito/test-identity-provider";
import { APP_PROTOCOL, captureOutput, CLIENT_ID, TENANTS, withToken } from "./fixtures";

type Handler = (event: WebSocketAuthorizerEvent) => Promise<AuthorizerPolicy>;

const savedEnv = { ...process.env };
let server: JwksServer;
let idp: TestIdentityProvider;

function loadHandler(env: Record<string, string | undefined>): Handler {
  process.env = { ...savedEnv, ...env };
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = (require("../../../../lambdas/authorizer/index") as { handler: Handler }).handler;
  });
  return handler as Handler;
}

function localEnvironment(): Record<string, string> {
  return {
    ...toEnvironment({
      userPoolId: "local_testpool",
      clientId: CLIENT_ID,
      tenantIds: new Set(TENANTS),
      appProtocol: APP_PROTOCOL,
      issuerOverride: { issuer: server.issuer, jwksUri: server.jwksUri },
    }),
  };
}

beforeAll(async () => {
  const key = createSigningKey();
  server = await startJwksServer(jwksOf(key));
  idp = new TestIdentityProvider({ issuer: server.issuer, clientId: CLIENT_ID, key });
});

afterAll(async () => {
  process.env = savedEnv;
  await server.close();
});

it("downloads the JWKS once across many invocations of a warm container", async () => {
  const handler = loadHandler(localEnvironment());
  const output = captureOutput();
  const before = server.requestCount();
  try {
    for (let i = 0; i < 100; i++) {
      const tenantId = TENANTS[i % TENANTS.length];
      const policy = await handler(withToken(idp.idToken({ "custom:tenantId": tenantId })));
      expect(policy.policyDocument.Statement[0].Effect).toBe("Allow");
      expect(policy.context?.tenantId).toBe(tenantId);
    }
    // Rejected tokens in between must not cause downloads either.
    await handler(withToken(idp.idToken({ iss: "http://127.0.0.1:1/elsewhere" })));
    await handler(withToken(idp.idToken({ aud: "other" })));
  } finally {
    output.restore();
  }
  expect(server.requestCount() - before).toBe(1);
});

it("no log line of the deployed handler contains a token", async () => {
  const handler = loadHandler(localEnvironment());
  const output = captureOutput();
  const tokens = [idp.idToken(), idp.idToken({ "custom:tenantId": "nope" }), idp.accessToken()];
  try {
    for (const token of tokens) await handler(withToken(token));
  } finally {
    output.restore();
  }
  expect(output.lines().length).toBeGreaterThanOrEqual(tokens.length);
  for (const token of tokens) {
    for (const part of token.split(".")) expect(output.text()).not.toContain(part);
  }
});

/**
 * The first invocation's failure. The module is loaded in isolation, so its error class is
 * not this file's: compare by name.
 */
async function startupError(env: Record<string, string | undefined>): Promise<{ error: { name: string; message: string }; logged: string }> {
  const handler = loadHandler(env);
  const output = captureOutput();
  try {
    await handler(withToken(idp.idToken()));
  } catch (error) {
    return { error: { name: (error as Error).name, message: (error as Error).message }, logged: output.text() };
  } finally {
    output.restore();
  }
  throw new Error("expected the invocation to fail");
}

it("loads without its configuration: nothing is parsed before the first invocation", () => {
  expect(() => loadHandler({ ...localEnvironment(), USER_POOL_CLIENT_ID: undefined })).not.toThrow();
});

it.each(["USER_POOL_CLIENT_ID", "TENANT_IDS", "APP_PROTOCOL"])(
  "fails the invocation with a clear error, logged as one structured line, when %s is missing",
  async (name) => {
    const { error, logged } = await startupError({ ...localEnvironment(), [name]: undefined });
    expect(error).toEqual({ name: "AuthorizerConfigError", message: expect.stringContaining(name) });
    const line = JSON.parse(logged.trim().split("\n")[0]) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "ERROR",
      service: "authorizer",
      message: "authorizer is misconfigured",
      errorName: "AuthorizerConfigError",
      errorCode: "bad_config",
      detail: expect.stringContaining(name),
    });
  },
);

it("never logs a configuration value", async () => {
  const { logged } = await startupError({ ...localEnvironment(), APP_PROTOCOL: "mta v1, secret-protocol" });
  expect(logged).toContain("APP_PROTOCOL");
  expect(logged).not.toContain("secret-protocol");
});

it("fails the invocation for a pool id CognitoJwtVerifier cannot use without an issuer override", async () => {
  const { error } = await startupError({ ...localEnvironment(), JWT_ISSUER: undefined, JWKS_URI: undefined });
  expect(error).toEqual({ name: "AuthorizerConfigError", message: expect.stringContaining("USER_POOL_ID") });
});
