/**
 * The tenant-access role (I3): the only principal that can read tenant data,
 * assumable only by the chat role with tenantId/userId session tags. Its permissions
 * follow the tags, so one role serves every tenant without trusting any caller input.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
import { policyJson } from "../aws-context";
import type { StackNames } from "../naming";
import { tenantAccessPolicy, tenantAccessTrustPolicy, type AwsContext } from "../policies";

/** Role chaining (Lambda role → this role) caps sessions at one hour anyway. */
export const TENANT_ACCESS_MAX_SESSION_SECONDS = 3600;

export interface TenantIsolationArgs {
  ctx: pulumi.Input<AwsContext>;
  names: StackNames;
  chatRoleArn: pulumi.Input<string>;
  /** Configured tenant ids: the only tenantId tag values the trust policy admits. */
  tenantIds: readonly string[];
}

export class TenantIsolation extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;

  constructor(name: string, args: TenantIsolationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:TenantIsolation", name, {}, opts);
    const child = new ChildNames(this, name, "isolation");
    const { names } = args;
    this.role = new aws.iam.Role(
      child.name("tenant-access"),
      {
        name: names.tenantAccessRole,
        description: "Tenant-scoped read access, bound to tenantId/userId session tags",
        maxSessionDuration: TENANT_ACCESS_MAX_SESSION_SECONDS,
        assumeRolePolicy: policyJson(args.chatRoleArn, (arn) => tenantAccessTrustPolicy(arn, args.tenantIds)),
      },
      child.opts("tenant-access", "tenant-access"),
    );
    new aws.iam.RolePolicy(
      child.name("tenant-access-policy"),
      {
        role: this.role.id,
        name: "tenant-data",
        policy: policyJson(args.ctx, (ctx) =>
          tenantAccessPolicy(ctx, { tenantsTableName: names.tenantsTable, ordersTablePrefix: names.ordersTablePrefix, usageTableName: names.usageTable }),
        ),
      },
      child.opts("tenant-access-policy", "tenant-access-policy"),
    );
    this.registerOutputs({ roleArn: this.role.arn });
  }
}
