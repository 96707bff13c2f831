/**
 * The user pool's password rules, for the first-sign-in step: shown next to the
 * new-password field up front, ticked off while the user types, and used to turn
 * Cognito's refusal into one clear sentence. The page cannot import TypeScript, so the
 * values are copied from infra/user-pool-settings.ts PASSWORD_POLICY; a unit test
 * (test/unit/web/js/password-policy.test.ts) fails when the two drift apart.
 */

/**
 * @typedef {object} PagePasswordPolicy
 * @property {number} minimumLength
 * @property {boolean} requireLowercase
 * @property {boolean} requireUppercase
 * @property {boolean} requireNumbers
 * @property {boolean} requireSymbols
 */
/** @typedef {"length" | "uppercase" | "lowercase" | "number" | "symbol"} PasswordRuleId */
/**
 * @typedef {object} PasswordRule
 * @property {PasswordRuleId} id
 * @property {string} text
 * @property {string} fix
 * @property {(password: string) => boolean} met
 */

/** @type {Readonly<PagePasswordPolicy>} */
export const PASSWORD_POLICY = Object.freeze({
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
});

/** Cognito's password symbols (its documented special-character set, space included). */
export const PASSWORD_SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/**
 * Pure: the rules as the page lists them. `id` is stable (used as the list item's
 * data-rule); `text` is what the user reads; `fix` is the sentence shown when it is not met.
 * @param {PagePasswordPolicy} [policy]
 * @returns {PasswordRule[]}
 */
export function passwordRules(policy = PASSWORD_POLICY) {
  /** @type {PasswordRule[]} */
  const rules = [
    {
      id: "length",
      text: `At least ${policy.minimumLength} characters`,
      fix: `Use at least ${policy.minimumLength} characters.`,
      met: (pw) => pw.length >= policy.minimumLength,
    },
  ];
  if (policy.requireUppercase) {
    rules.push({ id: "uppercase", text: "An upper-case letter (A–Z)", fix: "Add an upper-case letter (A–Z).", met: (pw) => /[A-Z]/.test(pw) });
  }
  if (policy.requireLowercase) {
    rules.push({ id: "lowercase", text: "A lower-case letter (a–z)", fix: "Add a lower-case letter (a–z).", met: (pw) => /[a-z]/.test(pw) });
  }
  if (policy.requireNumbers) {
    rules.push({ id: "number", text: "A digit (0–9)", fix: "Add a digit (0–9).", met: (pw) => /[0-9]/.test(pw) });
  }
  if (policy.requireSymbols) {
    rules.push({
      id: "symbol",
      text: "A symbol, such as ! ? # or -",
      fix: "Add a symbol, such as ! ? # or -.",
      met: (pw) => [...pw].some((c) => PASSWORD_SYMBOLS.includes(c)),
    });
  }
  return rules;
}

/**
 * Pure: the ids of the rules `password` does not meet yet (empty when it meets them all).
 * @param {unknown} password
 * @param {PagePasswordPolicy} [policy]
 * @returns {PasswordRuleId[]}
 */
export function unmetPasswordRules(password, policy = PASSWORD_POLICY) {
  const pw = typeof password === "string" ? password : "";
  return passwordRules(policy).filter((rule) => !rule.met(pw)).map((rule) => rule.id);
}

/**
 * Pure: the sentence for the first rule `password` does not meet, or "" when it meets them all.
 * @param {unknown} password
 * @param {PagePasswordPolicy} [policy]
 * @returns {string}
 */
export function passwordFix(password, policy = PASSWORD_POLICY) {
  const [first] = unmetPasswordRules(password, policy);
  return first === undefined ? "" : (passwordRules(policy).find((rule) => rule.id === first)?.fix ?? "");
}

// Cognito's wording (AWS: "Password does not conform to policy: …"; cognito-local and
// older AWS answers: "Password did not conform with policy: …"), one reason per refusal.
const POLICY_PREFIX = /^\s*password (?:does|did) not conform (?:to|with) policy:\s*/i;
/** @type {readonly [RegExp, PasswordRuleId][]} */
const SERVER_REASONS = [
  [/not long enough/i, "length"],
  [/uppercase/i, "uppercase"],
  [/lowercase/i, "lowercase"],
  [/numeric/i, "number"],
  [/symbol/i, "symbol"],
];

/**
 * Pure: Cognito's refusal of a new password as one clean sentence (the rule to fix), or
 * undefined when the message names no known rule (e.g. a password used before).
 * @param {unknown} serverMessage
 * @param {PagePasswordPolicy} [policy]
 * @returns {string | undefined}
 */
export function passwordPolicySentence(serverMessage, policy = PASSWORD_POLICY) {
  const reason = typeof serverMessage === "string" ? serverMessage.replace(POLICY_PREFIX, "") : "";
  for (const [pattern, id] of SERVER_REASONS) {
    if (pattern.test(reason)) {
      const rule = passwordRules(policy).find((r) => r.id === id);
      if (rule) return rule.fix;
    }
  }
  return undefined;
}
