/** The authorizer's environment contract: toEnvironment and the loader agree; errors name variables, never values. */
import {
  AuthorizerConfigError,
  isPermittedJwksUrl,
  loadAuthorizerConfig,
  toEnvironment,
  type AuthorizerConfig,
} from "../../../../lambdas/authorizer/config";

const AWS_CONFIG: AuthorizerConfig = {
  userPoolId: "eu-west-1_AbCdEf123",
  clientId: "client123",
  tenantIds: new Set(["tenant1", "tenant2"]),
  appProtocol: "mta.v1",
};
const LOCAL_CONFIG: AuthorizerConfig = {
  userPoolId: "local_abc",
  clientId: "client123",
  tenantIds: new Set(["tenant1"]),
  appProtocol: "mta.v1",
  issuerOverride: {
    issuer: "http://127.0.0.1:9230/local_abc",
    jwksUri: "http://127.0.0.1:9230/local_abc/.well-known/jwks.json",
  },
};
const AWS_ENV = toEnvironment(AWS_CONFIG);

describe("toEnvironment", () => {
  it("joins tenant ids and omits the issuer overrides unless given (AWS)", () => {
    expect(AWS_ENV).toEqual({
      USER_POOL_ID: "eu-west-1_AbCdEf123",
      USER_POOL_CLIENT_ID: "client123",
      TENANT_IDS: "tenant1,tenant2",
      APP_PROTOCOL: "mta.v1",
      POWERTOOLS_SERVICE_NAME: "authorizer",
      POWERTOOLS_LOG_LEVEL: "INFO",
    });
  });

  it("adds the issuer and JWKS overrides for a local issuer", () => {
    expect(toEnvironment(LOCAL_CONFIG, "DEBUG")).toMatchObject({
      JWT_ISSUER: "http://127.0.0.1:9230/local_abc",
      JWKS_URI: expect.stringMatching(/jwks\.json$/),
      POWERTOOLS_LOG_LEVEL: "DEBUG",
    });
  });

  it.each([
    ["AWS", AWS_CONFIG],
    ["local", LOCAL_CONFIG],
  ])("round-trips through the loader (%s)", (_label, config) => {
    expect(loadAuthorizerConfig({ ...toEnvironment(config) })).toEqual(config);
  });
});

describe("loadAuthorizerConfig", () => {
  it("parses the environment the Pulumi program builds", () => {
    expect(loadAuthorizerConfig({ ...AWS_ENV })).toEqual({
      userPoolId: "eu-west-1_AbCdEf123",
      clientId: "client123",
      tenantIds: new Set(["tenant1", "tenant2"]),
      appProtocol: "mta.v1",
    });
  });

  it("takes the issuer override of the local stack", () => {
    const env = toEnvironment(LOCAL_CONFIG);
    expect(loadAuthorizerConfig({ ...env }).issuerOverride).toEqual({
      issuer: "http://127.0.0.1:9230/local_abc",
      jwksUri: "http://127.0.0.1:9230/local_abc/.well-known/jwks.json",
    });
  });

  it.each(["USER_POOL_ID", "USER_POOL_CLIENT_ID", "TENANT_IDS", "APP_PROTOCOL"] as const)("names a missing %s", (key) => {
    const env: Record<string, string | undefined> = { ...AWS_ENV };
    delete env[key];
    expect(() => loadAuthorizerConfig(env)).toThrow(AuthorizerConfigError);
    expect(() => loadAuthorizerConfig(env)).toThrow(key);
  });

  it.each([
    ["a malformed tenant id", { TENANT_IDS: "tenant1,../x" }],
    ["an empty tenant list", { TENANT_IDS: " , " }],
    ["an app protocol with a comma", { APP_PROTOCOL: "a,b" }],
    ["JWT_ISSUER without JWKS_URI", { JWT_ISSUER: "http://127.0.0.1:1/p" }],
    ["a JWKS over plain http to another host", { JWT_ISSUER: "http://idp.example/p", JWKS_URI: "http://idp.example/p/jwks.json" }],
    ["a JWKS URI that is not http(s)", { JWT_ISSUER: "http://127.0.0.1:1/p", JWKS_URI: "file:///etc/passwd" }],
  ])("rejects %s", (_label, patch) => {
    expect(() => loadAuthorizerConfig({ ...AWS_ENV, ...patch })).toThrow(AuthorizerConfigError);
  });

  it("does not echo values in its errors", () => {
    expect(() => loadAuthorizerConfig({ ...AWS_ENV, TENANT_IDS: "tenant1,SECRETISH" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("SECRETISH") }),
    );
  });
});

describe("isPermittedJwksUrl", () => {
  it.each([
    "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x/.well-known/jwks.json",
    "http://127.0.0.1:9230/local_x/.well-known/jwks.json",
    "http://localhost:9230/local_x/.well-known/jwks.json",
    "http://[::1]:9230/jwks.json",
  ])("allows %s", (uri) => expect(isPermittedJwksUrl(uri)).toBe(true));

  it.each([
    "http://idp.example.com/jwks.json",
    "http://127.0.0.1.evil.example/jwks.json",
    "http://10.0.0.1/jwks.json",
    "https://user:pass@idp.example.com/jwks.json",
    "file:///etc/passwd",
    "not a url",
  ])("refuses %s", (uri) => expect(isPermittedJwksUrl(uri)).toBe(false));
});
