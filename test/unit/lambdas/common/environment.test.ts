/**
 * lambdas/common/environment.ts: the environment building blocks all three loaders use,
 * and their one error format (every offending variable named with its problem, no value
 * ever quoted); and start-up: built once and reused, a failure is one structured
 * `… is misconfigured` line (the configuration error's message, never another error's),
 * rethrown, and the next invocation tries again.
 */
import * as z from "zod/mini";
import {
  FunctionConfigError,
  httpUrl,
  lazyStartup,
  normalisedEnvironment,
  optionalHttpUrl,
  parseEnvironment,
  powertoolsVariables,
  required,
  startupFailure,
  SUBPROTOCOL_PATTERN,
  subprotocolName,
} from "../../../../lambdas/common/environment";

/**
 * The environment building blocks all three loaders use, and their one error format:
 * every offending variable named with its problem, no value ever quoted.
 */
describe("environment schemas", () => {
  class TestConfigError extends FunctionConfigError {
    override readonly name = "TestConfigError";
  }

  const schema = z.object({ NAME: required, PROTOCOL: subprotocolName, ENDPOINT: httpUrl, ...powertoolsVariables });
  const GOOD = { NAME: " table ", PROTOCOL: "mta.v1", ENDPOINT: "http://127.0.0.1:4510/local" };

  function failure(env: Record<string, string | undefined>): TestConfigError {
    try {
      parseEnvironment(schema, env, "test config", TestConfigError);
    } catch (error) {
      return error as TestConfigError;
    }
    throw new Error("expected a configuration error");
  }

  describe("parseEnvironment", () => {
    it("returns the parsed values, trimmed, with the Powertools variables optional", () => {
      expect(parseEnvironment(schema, GOOD, "test config", TestConfigError)).toEqual({ ...GOOD, NAME: "table" });
      expect(parseEnvironment(schema, { ...GOOD, POWERTOOLS_LOG_LEVEL: "DEBUG" }, "test config", TestConfigError)).toMatchObject({
        POWERTOOLS_LOG_LEVEL: "DEBUG",
      });
    });

    it("names every offending variable with its problem, in one error of the given class", () => {
      const error = failure({ NAME: "   ", PROTOCOL: "mta v1, secret-protocol", ENDPOINT: "ftp://secret-host/x" });
      expect(error).toBeInstanceOf(TestConfigError);
      expect(error.code).toBe("bad_config");
      expect(error.message).toBe(
        "test config: NAME is required; PROTOCOL must be a WebSocket subprotocol token; ENDPOINT must be an http(s) URL",
      );
    });

    it("reports a missing variable as required, and never quotes a value", () => {
      const error = failure({ ...GOOD, NAME: undefined, ENDPOINT: "not a url secret-value" });
      expect(error.message).toContain("NAME is required");
      expect(error.message).toContain("ENDPOINT must be an http(s) URL");
      expect(error.message).not.toContain("secret-value");
    });
  });

  describe("normalisedEnvironment", () => {
    it("trims every value and treats a blank one as unset", () => {
      expect(normalisedEnvironment({ A: " a ", B: "", C: " \t", D: undefined })).toEqual({ A: "a", B: undefined, C: undefined, D: undefined });
    });
  });

  describe("building blocks", () => {
    it.each(["mta.v1", "chat", "a-b_c~1"])("SUBPROTOCOL_PATTERN accepts %s", (name) => {
      expect(SUBPROTOCOL_PATTERN.test(name)).toBe(true);
    });

    it.each(["", "mta v1", "a,b", "a/b", "é"])("SUBPROTOCOL_PATTERN rejects %p", (name) => {
      expect(SUBPROTOCOL_PATTERN.test(name)).toBe(false);
    });

    it("httpUrl accepts http and https only", () => {
      expect(httpUrl.safeParse("https://abc.execute-api.us-east-1.amazonaws.com/dev").success).toBe(true);
      expect(httpUrl.safeParse("http://127.0.0.1:9/dev").success).toBe(true);
      expect(httpUrl.safeParse("ws://127.0.0.1:9/dev").success).toBe(false);
    });

    it("optionalHttpUrl accepts an unset value, and otherwise only an http(s) URL", () => {
      expect(optionalHttpUrl.safeParse(undefined)).toEqual({ success: true, data: undefined });
      expect(optionalHttpUrl.safeParse("https://issuer.example/pool").success).toBe(true);
      expect(optionalHttpUrl.safeParse("file:///etc/passwd").success).toBe(false);
    });
  });
});

/**
 * Start-up of the functions: built once and reused; a failure is one structured
 * `… is misconfigured` line (the configuration error's message, never another error's)
 * and is rethrown, and the next invocation tries again.
 */
describe("start-up", () => {
  class TestConfigError extends FunctionConfigError {
    override readonly name = "TestConfigError";
  }

  const logger = () => ({ error: jest.fn() });

  describe("lazyStartup", () => {
    it("builds on the first call only, then returns the same value", () => {
      const build = jest.fn(() => ({ built: true }));
      const get = lazyStartup("test function", logger(), build);
      expect(build).not.toHaveBeenCalled();
      const first = get();
      expect(get()).toBe(first);
      expect(build).toHaveBeenCalledTimes(1);
    });

    it("logs a failure as `<function> is misconfigured`, rethrows it, and tries again next time", () => {
      const log = logger();
      const build = jest
        .fn<{ ok: boolean }, []>()
        .mockImplementationOnce(() => {
          throw new TestConfigError("test config: AGENT_ID is required");
        })
        .mockImplementation(() => ({ ok: true }));
      const get = lazyStartup("test function", log, build);

      expect(() => get()).toThrow(TestConfigError);
      expect(log.error).toHaveBeenCalledWith("test function is misconfigured", {
        errorName: "TestConfigError",
        errorCode: "bad_config",
        detail: "test config: AGENT_ID is required",
      });
      expect(get()).toEqual({ ok: true });
      expect(build).toHaveBeenCalledTimes(2);
    });
  });

  describe("startupFailure", () => {
    it("keeps a configuration error's message (it names variables, never values)", () => {
      expect(startupFailure(new TestConfigError("x config: A is required"))).toEqual({
        errorName: "TestConfigError",
        errorCode: "bad_config",
        detail: "x config: A is required",
      });
    });

    it("drops any other error's message, which could quote anything", () => {
      const error = Object.assign(new Error("Invalid user pool id: eu-west-1_secretish"), { code: "ParameterValidation" });
      expect(startupFailure(error)).toEqual({ errorName: "Error", errorCode: "ParameterValidation" });
      expect(startupFailure("boom")).toEqual({ errorName: "string" });
    });
  });
});
