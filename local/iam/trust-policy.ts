/**
 * An exact evaluator for role trust policies of the shapes infra/policies.ts produces
 * (Principal AWS/Service, sts actions, StringEquals / ForAllValues / ForAnyValue / Null /
 * StringLike conditions on the session-tag keys). Anything it does not understand
 * refuses the whole request, even inside a Deny statement (ignoring a Deny it cannot read
 * would fail open): other statement elements (NotPrincipal, NotAction, Resource, …),
 * other operators (…IfExists, Not…), other condition keys, wildcard principals or actions.
 */
import type { PolicyDocument, PolicyStatement } from "../../infra/policies";

export interface TrustRequest {
  /** The caller as a trust policy names it: the role ARN for a role session. */
  principalArn: string;
  action: string;
  context: Record<string, string | string[] | undefined>;
}

const STATEMENT_ELEMENTS: ReadonlySet<string> = new Set(["Sid", "Effect", "Principal", "Action", "Condition"]);
const PRINCIPAL_KINDS: ReadonlySet<string> = new Set(["AWS", "Service"]);
const OPERATORS: ReadonlySet<string> = new Set(["StringEquals", "StringLike", "ForAllValues:StringEquals", "ForAnyValue:StringEquals", "Null"]);

/** The context keys an AssumeRole with session tags carries (local/sts/sts.ts assumeRoleContext). */
const isUnderstoodKey = (key: string): boolean => key === "aws:TagKeys" || /^aws:RequestTag\/[A-Za-z0-9_.:/=+@-]+$/.test(key);

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const isStringOrStrings = (v: unknown): v is string | string[] =>
  typeof v === "string" || (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string"));
const hasWildcard = (s: string): boolean => s.includes("*") || s.includes("?");
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(value);
}

/** True only for a statement made entirely of elements this evaluator reads exactly. */
function isUnderstood(statement: unknown): statement is PolicyStatement {
  if (!isPlainObject(statement) || Object.keys(statement).some((k) => !STATEMENT_ELEMENTS.has(k))) return false;
  if (statement.Effect !== "Allow" && statement.Effect !== "Deny") return false;
  const principal = statement.Principal;
  if (!isPlainObject(principal) || Object.keys(principal).length === 0) return false;
  for (const [kind, values] of Object.entries(principal)) {
    if (!PRINCIPAL_KINDS.has(kind) || !isStringOrStrings(values) || list(values).some(hasWildcard)) return false;
  }
  if (!isStringOrStrings(statement.Action) || list(statement.Action).some(hasWildcard)) return false;
  if (statement.Condition === undefined) return true;
  if (!isPlainObject(statement.Condition)) return false;
  for (const [operator, block] of Object.entries(statement.Condition)) {
    if (!OPERATORS.has(operator) || !isPlainObject(block)) return false;
    for (const [key, expected] of Object.entries(block)) {
      if (!isUnderstoodKey(key) || !isStringOrStrings(expected)) return false;
      if (operator === "Null" && (Array.isArray(expected) || (expected !== "true" && expected !== "false"))) return false;
    }
  }
  return true;
}

function principalMatches(statement: PolicyStatement, principalArn: string): boolean {
  const aws = list(statement.Principal?.AWS);
  const accountRoot = principalArn.replace(/^arn:([^:]+):(iam|sts)::(\d{12}):.*$/, "arn:$1:iam::$3:root");
  return aws.some((p) => p === principalArn || p === accountRoot || p === accountRoot.split(":")[4]);
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  return list(statement.Action).some((a) => a.toLowerCase() === action.toLowerCase());
}

function conditionHolds(operator: string, key: string, expected: string[], context: TrustRequest["context"]): boolean {
  const actual = context[key];
  const values = list(actual);
  switch (operator) {
    case "StringEquals":
      return actual !== undefined && values.length > 0 && values.every((v) => expected.includes(v));
    case "StringLike":
      return actual !== undefined && values.length > 0 && values.every((v) => expected.some((e) => globMatch(e, v)));
    case "ForAllValues:StringEquals":
      return values.every((v) => expected.includes(v));
    case "ForAnyValue:StringEquals":
      return values.some((v) => expected.includes(v));
    case "Null":
      return expected[0] === "true" ? actual === undefined : actual !== undefined;
    default:
      return false;
  }
}

function statementApplies(statement: PolicyStatement, request: TrustRequest): boolean {
  if (!principalMatches(statement, request.principalArn) || !actionMatches(statement, request.action)) return false;
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(block)) {
      if (!conditionHolds(operator, key, list(expected), request.context)) return false;
    }
  }
  return true;
}

/**
 * True when the policy is wholly understood, some Allow statement admits the request and
 * no Deny statement matches it.
 */
export function trustPolicyAllows(policy: PolicyDocument, request: TrustRequest): boolean {
  const statements: unknown = (policy as { Statement?: unknown } | undefined)?.Statement;
  if (policy?.Version !== "2012-10-17" || !Array.isArray(statements) || !statements.every(isUnderstood)) return false;
  const applicable = statements.filter((s) => statementApplies(s, request));
  return applicable.some((s) => s.Effect === "Allow") && !applicable.some((s) => s.Effect === "Deny");
}
