/**
 * infra/user-pool-settings.ts: one password policy and one tenant attribute for both
 * stacks, and every password the stacks and the tests generate satisfies that policy.
 */
import { temporaryPassword } from "../../../local/cognito/cognito";
import {
  APP_CLIENT_SETTINGS,
  createUserPoolClientSettings,
  createUserPoolSettings,
  PASSWORD_POLICY,
  passwordPolicyViolation,
  TENANT_ID_ATTRIBUTE,
} from "../../../infra/user-pool-settings";
import { permanentPassword } from "../../../scripts/stack-client/sign-in";

describe("PASSWORD_POLICY", () => {
  it("asks for 12+ characters with upper, lower, digit and symbol", () => {
    expect(PASSWORD_POLICY).toMatchObject({ minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true });
  });

  it("refuses what Cognito refuses, in Cognito's words, and accepts a conforming password", () => {
    expect(passwordPolicyViolation("Aa1-aaaaaa")).toBe("Password not long enough"); // 10 characters: fine with min 8
    expect(passwordPolicyViolation("aa1-aaaaaaaa")).toBe("Password must have uppercase characters");
    expect(passwordPolicyViolation("AA1-AAAAAAAA")).toBe("Password must have lowercase characters");
    expect(passwordPolicyViolation("Aaa-aaaaaaaa")).toBe("Password must have numeric characters");
    expect(passwordPolicyViolation("Aa1aaaaaaaaa")).toBe("Password must have symbol characters");
    expect(passwordPolicyViolation("Aa1-aaaaaaaa")).toBeUndefined();
    expect(passwordPolicyViolation("Aa1 aaaaaaaa")).toBeUndefined(); // a space is one of Cognito's symbols
    expect(passwordPolicyViolation("Aa1-aaa", { ...PASSWORD_POLICY, minimumLength: 6 })).toBeUndefined();
  });

  it("is met by the local stack's temporary passwords and the tests' permanent ones", () => {
    for (let i = 0; i < 200; i++) {
      const password = temporaryPassword();
      expect({ password, violation: passwordPolicyViolation(password) }).toEqual({ password, violation: undefined });
      expect(passwordPolicyViolation(permanentPassword(password))).toBeUndefined();
    }
  });
});

describe("Cognito API forms (what the local stack sends)", () => {
  it("carries the same policy and an immutable custom:tenantId", () => {
    const pool = createUserPoolSettings();
    expect(pool.Policies.PasswordPolicy).toEqual({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: PASSWORD_POLICY.temporaryPasswordValidityDays,
    });
    expect(pool.Schema).toEqual([
      { Name: "tenantId", AttributeDataType: "String", Mutable: false, StringAttributeConstraints: { MinLength: "1", MaxLength: "32" } },
    ]);
    expect(TENANT_ID_ATTRIBUTE.attributeName).toBe(`custom:${TENANT_ID_ATTRIBUTE.name}`);
  });

  it("lets the app client read custom:tenantId but never write it", () => {
    const client = createUserPoolClientSettings(15);
    expect(client.ReadAttributes).toContain("custom:tenantId");
    expect(client.WriteAttributes.length).toBeGreaterThan(0); // empty would mean "all"
    expect(client.WriteAttributes).not.toContain("custom:tenantId");
    expect(client.ExplicitAuthFlows).toEqual([...APP_CLIENT_SETTINGS.explicitAuthFlows]);
    expect(client).toMatchObject({ IdTokenValidity: 15, AccessTokenValidity: 15, TokenValidityUnits: { IdToken: "minutes", AccessToken: "minutes" } });
  });
});
