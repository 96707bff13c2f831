/**
 * The authorizer's answer to API Gateway (IAM policy format, payload version 1.0, the
 * only one WebSocket APIs support). Allow is scoped to the exact `$connect` methodArn.
 */
import { buildAuthorizerContext, type AuthorizerContext } from "../shared/authorizer-context";
import { AuthorizationError } from "./errors";

export interface AuthorizerPolicy {
  principalId: string;
  policyDocument: {
    Version: "2012-10-17";
    Statement: [{ Action: "execute-api:Invoke"; Effect: "Allow" | "Deny"; Resource: string }];
  };
  context?: AuthorizerContext;
}

/** Used as principal and resource of a Deny when the request carried nothing trustworthy. */
export const ANONYMOUS_PRINCIPAL = "anonymous";

export function allowPolicy(methodArn: string, identity: AuthorizerContext): AuthorizerPolicy {
  return {
    principalId: identity.userId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: methodArn }],
    },
    context: buildAuthorizerContext(identity),
  };
}

/**
 * An explicit Deny (API Gateway answers 403). Chosen over throwing "Unauthorized" (401):
 * it is an ordinary result rather than a function error, so rejections do not count as
 * Lambda errors, and it carries no identity context at all.
 */
export function denyPolicy(methodArn: string | undefined): AuthorizerPolicy {
  return {
    principalId: ANONYMOUS_PRINCIPAL,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: methodArn ?? "*" }],
    },
  };
}

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<route>` */
const METHOD_ARN_PATTERN = /^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+\/[^/\s]+\/\S+$/;

/** The event's methodArn, or a `bad_request` refusal: an Allow must never name a resource we did not check. */
export function methodArnOf(event: { methodArn?: unknown } | null | undefined): string {
  const methodArn = event?.methodArn;
  if (typeof methodArn !== "string" || !METHOD_ARN_PATTERN.test(methodArn)) throw new AuthorizationError("bad_request");
  return methodArn;
}
