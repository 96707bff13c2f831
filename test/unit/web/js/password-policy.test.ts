/**
 * The page's copy of the password policy (web/js/password-policy.js cannot import
 * TypeScript) must say what the pool enforces: the values equal infra's PASSWORD_POLICY,
 * and the page's live checklist agrees with the local gate's check on sample passwords.
 */
import { PASSWORD_POLICY as POOL_POLICY, passwordPolicyViolation } from "../../../../infra/user-pool-settings";
import {
  PASSWORD_POLICY,
  passwordFix,
  passwordPolicySentence,
  passwordRules,
  unmetPasswordRules,
} from "../../../../web/js/password-policy.js";

describe("the page's password policy", () => {
  it("has the pool's values (infra/user-pool-settings.ts PASSWORD_POLICY)", () => {
    expect(PASSWORD_POLICY).toEqual({
      minimumLength: POOL_POLICY.minimumLength,
      requireLowercase: POOL_POLICY.requireLowercase,
      requireUppercase: POOL_POLICY.requireUppercase,
      requireNumbers: POOL_POLICY.requireNumbers,
      requireSymbols: POOL_POLICY.requireSymbols,
    });
  });

  it("lists every rule up front, the length from the policy", () => {
    expect(passwordRules().map((r) => r.text)).toEqual([
      `At least ${POOL_POLICY.minimumLength} characters`,
      "An upper-case letter (A–Z)",
      "A lower-case letter (a–z)",
      "A digit (0–9)",
      "A symbol, such as ! ? # or -",
    ]);
    expect(passwordRules({ ...PASSWORD_POLICY, minimumLength: 8, requireSymbols: false }).map((r) => r.id)).toEqual([
      "length",
      "uppercase",
      "lowercase",
      "number",
    ]);
  });

  it.each([
    "abc",
    "",
    "abcdefghijkl",
    "ABCDEFGHIJKL",
    "Abcdefghijkl",
    "Abcdefghijk1",
    "Abcdefghij1!",
    "Abcdefghij1 ",
    "Abcdefghij1é",
    "Abcdefghij1€",
    "Short-1a",
    "Correct-horse-42",
    ...[..."^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "].map((c) => `Abcdefghij1${c}`),
  ])("agrees with the pool's check on %j", (password) => {
    const unmet = unmetPasswordRules(password);
    expect(unmet.length === 0).toBe(passwordPolicyViolation(password) === undefined);
    // The first unmet rule is the one the pool names, as one sentence.
    const violation = passwordPolicyViolation(password);
    if (violation !== undefined) expect(passwordFix(password)).toBe(passwordPolicySentence(violation));
    else expect(passwordFix(password)).toBe("");
  });

  it("checks off rules as they are met", () => {
    expect(unmetPasswordRules("abc")).toEqual(["length", "uppercase", "number", "symbol"]);
    expect(unmetPasswordRules("Abc-1")).toEqual(["length"]);
    expect(unmetPasswordRules(undefined)).toEqual(["length", "uppercase", "lowercase", "number", "symbol"]);
    expect(passwordFix("abc")).toBe(`Use at least ${POOL_POLICY.minimumLength} characters.`);
  });

  it("maps the pool's refusals to sentences and leaves unknown ones to the caller", () => {
    expect(passwordPolicySentence("Password did not conform with policy: Password not long enough")).toBe("Use at least 12 characters.");
    expect(passwordPolicySentence("Password does not conform to policy: Password must have symbol characters")).toBe(
      "Add a symbol, such as ! ? # or -.",
    );
    expect(passwordPolicySentence("Password has previously been used")).toBeUndefined();
    expect(passwordPolicySentence(undefined)).toBeUndefined();
  });
});
