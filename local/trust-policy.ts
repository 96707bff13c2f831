/**
 * An exact evaluator for role trust policies of the shapes infra/policies.ts produces
 * (Principal AWS/Service, sts actions, StringEquals / ForAllValues / ForAnyValue / Null /
 * StringLike conditions). Anything it does not understand denies: fail closed.
 */
import type { PolicyDocument, PolicyStatement } from "../infra/policies";

export interface TrustRequest {
  /** The caller as a trust policy names it: the role ARN for a role session. */
  principalArn: string;
  action: string;
  context: Record<string, string | string[] | undefined>;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(value);
}

function principalMatches(statement: PolicyStatement, principalArn: string): boolean {
  const aws = list(statement.Principal?.AWS);
  const accountRoot = principalArn.replace(/^arn:([^:]+):(iam|sts)::(\d{12}):.*$/, "arn:$1:iam::$3:root");
  return aws.some((p) => p === "*" || p === principalArn || p === accountRoot || p === accountRoot.split(":")[4]);
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  return list(statement.Action).some((a) => globMatch(a.toLowerCase(), action.toLowerCase()));
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
    case "Null": {
      const wantsNull = expected[0] === "true";
      return wantsNull ? actual === undefined : actual !== undefined;
    }
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

/** True when some Allow statement admits the request and no Deny statement matches. */
export function trustPolicyAllows(policy: PolicyDocument, request: TrustRequest): boolean {
  const applicable = policy.Statement.filter((s) => statementApplies(s, request));
  return applicable.some((s) => s.Effect === "Allow") && !applicable.some((s) => s.Effect === "Deny");
}
