/**
 * lambdas/common/startup.ts: a blank variable is an unset one; start-up is built once and
 * reused, a failure is one structured `… is misconfigured` line (the configuration error's
 * message, never another error's), rethrown, and the next invocation tries again.
 */
import { FunctionConfigError, lazyStartup, normalisedEnvironment, startupFailure } from "../../../../lambdas/common/startup";

describe("normalisedEnvironment", () => {
  it("trims every value and treats a blank one as unset", () => {
    expect(normalisedEnvironment({ A: " a ", B: "", C: " \t", D: undefined })).toEqual({ A: "a", B: undefined, C: undefined, D: undefined });
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
