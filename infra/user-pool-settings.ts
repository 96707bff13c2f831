/**
 * The Cognito user pool and app client settings, one definition for the Pulumi program
 * (components/identity.ts) and the local stack (local/cognito/cognito.ts), so a password, an
 * attribute write or a token lifetime behaves the same on both. Pure: plain values plus
 * the Cognito API (PascalCase) form the local stack sends, and the password check the
 * local Cognito gate applies.
 */
import { TENANT_CLAIM } from "../lambdas/common/identifiers";


export interface PasswordPolicy {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
}

/**
 * Days an operator-set temporary password stays usable (stack config
 * `temporaryPasswordValidityDays`): a few, not Cognito's default 7, so one handed over and
 * never used stops being a way in soon (I19). Cognito takes 0–365 and treats 0 as its
 * default (API reference PasswordPolicyType, checked 2026-12-02), so the config takes 1–365.
 */
export const DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS = 3;

export const PASSWORD_POLICY: Readonly<PasswordPolicy> = {
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS,
};

/** The pool's password policy with the stack's temporary-password validity. */
export function passwordPolicyFor(temporaryPasswordValidityDays: number): PasswordPolicy {
  return { ...PASSWORD_POLICY, temporaryPasswordValidityDays };
}

/**
 * The tenant a user belongs to (I7): set by the operator at creation, never
 * changed, never written by the app client. `name` is the schema name; users, tokens
 * and write lists see `custom:<name>`.
 */
export const TENANT_ID_ATTRIBUTE = {
  name: "tenantId",
  attributeName: TENANT_CLAIM,
  dataType: "String",
  mutable: false,
  minLength: 1,
  maxLength: 32,
} as const;

export const APP_CLIENT_SETTINGS = {
  /** SRP for AWS's hosted tooling; the page and the tests use USER_PASSWORD_AUTH. */
  explicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
  readAttributes: [TENANT_ID_ATTRIBUTE.attributeName],
  /** Explicit and without custom:tenantId: an empty list would mean "all writable". */
  writeAttributes: ["name"],
  /** ID and access tokens live `tokenValidityMinutes` of the stack config (default 15); the refresh token this long. */
  refreshTokenValidityHours: 12,
} as const;

/**
 * Account recovery: no email or phone is collected, so only an operator resets a
 * password (AdminSetUserPassword); ForgotPassword / ConfirmForgotPassword are refused.
 */
export const ACCOUNT_RECOVERY_MECHANISMS = [{ name: "admin_only", priority: 1 }] as const;

/** The pool's `Policies`, `Schema` and `AccountRecoverySetting` as CreateUserPool takes them. */
export function createUserPoolSettings(policy: PasswordPolicy = PASSWORD_POLICY) {
  return {
    Policies: {
      PasswordPolicy: {
        MinimumLength: policy.minimumLength,
        RequireLowercase: policy.requireLowercase,
        RequireUppercase: policy.requireUppercase,
        RequireNumbers: policy.requireNumbers,
        RequireSymbols: policy.requireSymbols,
        TemporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
      },
    },
    Schema: [
      {
        Name: TENANT_ID_ATTRIBUTE.name,
        AttributeDataType: TENANT_ID_ATTRIBUTE.dataType,
        Mutable: TENANT_ID_ATTRIBUTE.mutable,
        StringAttributeConstraints: { MinLength: String(TENANT_ID_ATTRIBUTE.minLength), MaxLength: String(TENANT_ID_ATTRIBUTE.maxLength) },
      },
    ],
    AccountRecoverySetting: { RecoveryMechanisms: ACCOUNT_RECOVERY_MECHANISMS.map((m) => ({ Name: m.name, Priority: m.priority })) },
  };
}

/** The app client's flows, attributes and token lifetimes as CreateUserPoolClient takes them. */
export function createUserPoolClientSettings(tokenValidityMinutes: number) {
  const s = APP_CLIENT_SETTINGS;
  return {
    ExplicitAuthFlows: [...s.explicitAuthFlows],
    ReadAttributes: [...s.readAttributes],
    WriteAttributes: [...s.writeAttributes],
    IdTokenValidity: tokenValidityMinutes,
    AccessTokenValidity: tokenValidityMinutes,
    RefreshTokenValidity: s.refreshTokenValidityHours,
    TokenValidityUnits: { IdToken: "minutes", AccessToken: "minutes", RefreshToken: "hours" } as const,
  };
}

/** Cognito's password symbols (its documented special-character set, space included). */
const PASSWORD_SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/**
 * What Cognito says about a password the policy refuses, in its wording
 * (`InvalidPasswordException: Password did not conform with policy: …`); undefined when
 * the password conforms.
 */
export function passwordPolicyViolation(password: string, policy: PasswordPolicy = PASSWORD_POLICY): string | undefined {
  if (password.length < policy.minimumLength) return "Password not long enough";
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return "Password must have uppercase characters";
  if (policy.requireLowercase && !/[a-z]/.test(password)) return "Password must have lowercase characters";
  if (policy.requireNumbers && !/[0-9]/.test(password)) return "Password must have numeric characters";
  if (policy.requireSymbols && ![...password].some((c) => PASSWORD_SYMBOLS.includes(c))) return "Password must have symbol characters";
  return undefined;
}
