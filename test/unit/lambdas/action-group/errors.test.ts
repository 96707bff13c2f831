import { errorName, ToolError, toToolError } from "../../../../lambdas/action-group/errors";

const named = (name: string) => Object.assign(new Error("User arn:aws:sts::123:assumed-role/x is not authorized"), { name });

describe("toToolError", () => {
  it.each([
    ["AccessDeniedException", "access_denied"],
    ["UnrecognizedClientException", "access_denied"],
    ["InvalidSignatureException", "access_denied"],
    ["ExpiredTokenException", "credentials_expired"],
    ["ResourceNotFoundException", "internal"],
    ["TypeError", "internal"],
  ])("maps %s to %s with a fixed message", (name, code) => {
    const mapped = toToolError(named(name));
    expect(mapped.code).toBe(code);
    expect(mapped.message).not.toContain("assumed-role");
  });

  it("keeps a ToolError as it is", () => {
    const original = new ToolError("bad_parameter", "orderId is malformed");
    expect(toToolError(original)).toBe(original);
  });

  it("names non-Error values", () => {
    expect(errorName({ name: "AccessDeniedException" })).toBe("AccessDeniedException");
    expect(errorName("boom")).toBe("string");
    expect(toToolError(undefined).code).toBe("internal");
  });
});
