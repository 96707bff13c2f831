/**
 * lambdas/common/environment-checks.ts: the environment checks of all four functions and
 * their one error format (every offending variable named with its problem, no value ever quoted).
 */
import {
  checkEnvironment,
  httpUrl,
  matching,
  optional,
  optionalHttpUrl,
  powertoolsVariables,
  required,
  SUBPROTOCOL_PATTERN,
  subprotocolName,
  TABLE_NAME_PATTERN,
} from "../../../../lambdas/common/environment-checks";
import { FunctionConfigError } from "../../../../lambdas/common/startup";

class TestConfigError extends FunctionConfigError {
  override readonly name = "TestConfigError";
}

const checks = { NAME: required, PROTOCOL: subprotocolName, ENDPOINT: httpUrl, ISSUER: optionalHttpUrl, ROLE: matching(/^arn:/, "must be an ARN"), ...powertoolsVariables };
const GOOD = { NAME: " table ", PROTOCOL: "mta.v1", ENDPOINT: "http://127.0.0.1:4510/local", ROLE: "arn:aws:iam::1:role/x" };

function failure(env: Record<string, string | undefined>): TestConfigError {
  try {
    checkEnvironment(checks, env, "test config", TestConfigError);
  } catch (error) {
    return error as TestConfigError;
  }
  throw new Error("expected a configuration error");
}

describe("checkEnvironment", () => {
  it("returns the environment trimmed, blank values unset, optional variables possibly unset", () => {
    expect(checkEnvironment(checks, { ...GOOD, ISSUER: "  " }, "test config", TestConfigError)).toEqual({ ...GOOD, NAME: "table", ISSUER: undefined });
    expect(checkEnvironment(checks, { ...GOOD, POWERTOOLS_LOG_LEVEL: "DEBUG" }, "test config", TestConfigError)).toMatchObject({ POWERTOOLS_LOG_LEVEL: "DEBUG" });
  });

  it("names every offending variable with its problem, in the checks' order, in one error of the given class", () => {
    const error = failure({ NAME: "   ", PROTOCOL: "mta v1, secret-protocol", ENDPOINT: "ftp://secret-host/x", ISSUER: "file:///secret", ROLE: "secret-role" });
    expect(error).toBeInstanceOf(TestConfigError);
    expect(error.code).toBe("bad_config");
    expect(error.message).toBe(
      "test config: NAME is required; PROTOCOL must be a WebSocket subprotocol token; ENDPOINT must be an http(s) URL; ISSUER must be an http(s) URL; ROLE must be an ARN",
    );
    expect(error.message).not.toContain("secret");
  });

  it("reports a missing variable as required, whatever its check", () => {
    expect(failure({}).message).toBe("test config: NAME is required; PROTOCOL is required; ENDPOINT is required; ROLE is required");
  });
});

describe("building blocks", () => {
  it.each(["mta.v1", "chat", "a-b_c~1"])("SUBPROTOCOL_PATTERN accepts %s", (name) => {
    expect(SUBPROTOCOL_PATTERN.test(name)).toBe(true);
    expect(subprotocolName(name)).toBeUndefined();
  });

  it.each(["", "mta v1", "a,b", "a/b", "é"])("SUBPROTOCOL_PATTERN rejects %p", (name) => {
    expect(SUBPROTOCOL_PATTERN.test(name)).toBe(false);
  });

  it("httpUrl accepts http and https only, and says so without the value", () => {
    expect(httpUrl("https://abc.execute-api.us-east-1.amazonaws.com/dev")).toBeUndefined();
    expect(httpUrl("http://127.0.0.1:9/dev")).toBeUndefined();
    expect(httpUrl("ws://127.0.0.1:9/dev")).toBe("must be an http(s) URL");
    expect(httpUrl("not a url")).toBe("must be an http(s) URL");
    expect(httpUrl(undefined)).toBe("is required");
  });

  it("optionalHttpUrl accepts an unset value, and otherwise only an http(s) URL", () => {
    expect(optionalHttpUrl(undefined)).toBeUndefined();
    expect(optionalHttpUrl("https://issuer.example/pool")).toBeUndefined();
    expect(optionalHttpUrl("file:///etc/passwd")).toBe("must be an http(s) URL");
  });

  it("optional accepts anything; required only a set value", () => {
    expect(optional(undefined)).toBeUndefined();
    expect(required(undefined)).toBe("is required");
    expect(required("x")).toBeUndefined();
  });

  it.each(["abc", "multi-tenant-assistant-dev-orders-tenant1", "a.b_c-d"])("TABLE_NAME_PATTERN accepts %s", (name) => {
    expect(TABLE_NAME_PATTERN.test(name)).toBe(true);
  });

  it.each(["ab", "a b", "a/b", "x".repeat(256)])("TABLE_NAME_PATTERN rejects %p", (name) => {
    expect(TABLE_NAME_PATTERN.test(name)).toBe(false);
  });
});
