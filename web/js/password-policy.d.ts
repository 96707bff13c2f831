// Types for password-policy.js.
export interface PagePasswordPolicy {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
}
export type PasswordRuleId = "length" | "uppercase" | "lowercase" | "number" | "symbol";
export interface PasswordRule {
  id: PasswordRuleId;
  text: string;
  fix: string;
  met(password: string): boolean;
}
export declare const PASSWORD_POLICY: Readonly<PagePasswordPolicy>;
export declare const PASSWORD_SYMBOLS: string;
export declare function passwordRules(policy?: PagePasswordPolicy): PasswordRule[];
export declare function unmetPasswordRules(password: unknown, policy?: PagePasswordPolicy): PasswordRuleId[];
export declare function passwordFix(password: unknown, policy?: PagePasswordPolicy): string;
export declare function passwordPolicySentence(serverMessage: unknown, policy?: PagePasswordPolicy): string | undefined;
