/**
 * IAM evaluation for the local stand-ins with @cloud-copilot/iam-simulate, against the
 * very documents infra/policies.ts produces (I10). Dev-only (AGPL): never
 * bundled into a Lambda.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { LocalAwsError } from "../runtime/aws-request";
import type { CredentialRecord } from "./credentials";
import { IamDecisionCache } from "./decision-cache";

export const LOCAL_ACCOUNT_ID = "000000000000";

export type IamDecision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface IamRequest {
  action: string;
  resourceArn: string;
  /** Request-specific keys, e.g. dynamodb:LeadingKeys, aws:TagKeys, aws:RequestTag/x. */
  context?: Record<string, string | string[]>;
}

/** Pure: the global context keys IAM derives from the caller (PrincipalArn, PrincipalTag/*). */
export function principalContext(caller: CredentialRecord): Record<string, string> {
  const context: Record<string, string> = {
    "aws:PrincipalArn": caller.roleArn ?? caller.principalArn,
    "aws:PrincipalAccount": LOCAL_ACCOUNT_ID,
  };
  for (const [key, value] of Object.entries(caller.sessionTags)) context[`aws:PrincipalTag/${key}`] = value;
  return context;
}

/** Every stand-in's decisions, remembered per caller (decision-cache.ts says why that is sound). */
export const iamDecisions = new IamDecisionCache();

export function evaluateIam(caller: CredentialRecord, request: IamRequest): Promise<IamDecision> {
  return iamDecisions.decide(caller, request, simulate);
}

/** One run of the simulator: the decision for exactly these inputs, and nothing else. */
async function simulate(caller: CredentialRecord, request: IamRequest): Promise<IamDecision> {
  const result = await runSimulation(
    {
      request: {
        principal: caller.principalArn,
        action: request.action,
        resource: { resource: request.resourceArn, accountId: LOCAL_ACCOUNT_ID },
        contextVariables: { ...principalContext(caller), ...(request.context ?? {}) },
      },
      identityPolicies: caller.policies.map((policy, i) => ({ name: `policy-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  // A simulation that cannot run (bad ARN, unknown action) is a denial, never an allow.
  if (result.resultType === "error") return "ImplicitlyDenied";
  return result.overallResult as IamDecision;
}

/** The message AWS services give for an identity-policy denial. */
export function accessDeniedMessage(caller: CredentialRecord, request: IamRequest, decision: IamDecision): string {
  const why =
    decision === "ExplicitlyDenied"
      ? `with an explicit deny in an identity-based policy`
      : `because no identity-based policy allows the ${request.action} action`;
  return `User: ${caller.principalArn} is not authorized to perform: ${request.action} on resource: ${request.resourceArn} ${why}`;
}

export interface DenialShape {
  status: number;
  code: string;
}

/** Evaluate and throw the service's AccessDenied error when not allowed. */
export async function authorizeIam(
  caller: CredentialRecord,
  request: IamRequest,
  denial: DenialShape = { status: 400, code: "AccessDeniedException" },
): Promise<void> {
  const decision = await evaluateIam(caller, request);
  if (decision !== "Allowed") {
    throw new LocalAwsError(denial.status, denial.code, accessDeniedMessage(caller, request, decision));
  }
}
