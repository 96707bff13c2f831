/**
 * lambdas/common/environment-checks.ts: the zod-free environment checks of the authorizer,
 * the chat function and the offboarding function. Same rules and messages as the zod
 * building blocks the action group uses (environment.ts): both are held to the same cases.
 */
import * as z from "zod/mini";
import {
  checkEnvironment,
  httpUrl,
  matching,
  optional,
  optionalHttpUrl,
  powertoolsVariables,
  required,
  subprotocolName,
} from "../../../../lambdas/common/environment-checks";
import * as schemas from "../../../../lambdas/common/environment";
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

describe("the same rules and messages as the zod building blocks (environment.ts)", () => {
  const pairs = [
    ["required", required, schemas.required],
    ["subprotocolName", subprotocolName, schemas.subprotocolName],
    ["httpUrl", httpUrl, schemas.httpUrl],
    ["optionalHttpUrl", optionalHttpUrl, schemas.optionalHttpUrl],
    ["optional", optional, z.optional(z.string())],
  ] as const;
  const values = [undefined, "x", "mta.v1", "mta v1", "a,b", "https://a.example/b", "http://127.0.0.1:9/dev", "ws://127.0.0.1/x", "file:///etc/passwd", "not a url"];

  it.each(pairs)("%s", (_, check, schema) => {
    for (const value of values) {
      const parsed = (schema as z.ZodMiniType).safeParse(value);
      expect({ value, problem: check(value) }).toEqual({ value, problem: parsed.success ? undefined : parsed.error.issues[0].message });
    }
  });
});
