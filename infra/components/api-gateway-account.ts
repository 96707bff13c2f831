/**
 * API Gateway's account-level CloudWatch Logs role, for stacks that opt in with
 * `accessLogs` and `manageApiGatewayAccountRole` (docs/deploy.md §Access logs).
 *
 * API Gateway writes every stage's logs in an account and Region with ONE role, the
 * account setting `cloudwatchRoleArn` (API Gateway UpdateAccount). Without it a stage with
 * access logs is refused ("CloudWatch Logs role ARN must be set in account settings to
 * enable logging"), and `pulumi up` would fail late, after the agent exists. This component
 * creates the role (only API Gateway may assume it; the AWS managed policy
 * AmazonAPIGatewayPushToCloudWatchLogs) and sets it; the stage depends on the setting.
 *
 * Kept on destroy (retainOnDelete): the setting serves every API of the account in the
 * Region, and deleting `aws.apigateway.Account` resets it since @pulumi/aws 7 (Terraform
 * AWS provider 6 removed `reset_on_delete` and always resets; read 2026-12-02), which would
 * silently stop other APIs' logs. So `pulumi destroy` leaves the role and the setting;
 * docs/deploy.md says how to remove them by hand.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
import { apiGatewayLogsTrustPolicy, apiGatewayPushToLogsPolicyArn, type AwsContext } from "../policies";
import type { StackNames } from "../naming";

export interface ApiGatewayAccountArgs {
  ctx: pulumi.Input<AwsContext>;
  names: StackNames;
}

export class ApiGatewayAccount extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  /** The account and Region setting: what a stage with access logs must depend on. */
  readonly account: aws.apigateway.Account;

  constructor(name: string, args: ApiGatewayAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:ApiGatewayAccount", name, {}, opts);
    const child = new ChildNames(this, name, "api-gateway-account");
    const keep = { retainOnDelete: true };

    this.role = new aws.iam.Role(
      child.name("logs-role"),
      {
        name: args.names.roleName("api-logs"),
        description: "API Gateway's account-level CloudWatch Logs role (this account and Region)",
        assumeRolePolicy: JSON.stringify(apiGatewayLogsTrustPolicy()),
      },
      child.opts("logs-role", child.name("logs-role"), keep),
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      child.name("push-to-logs"),
      { role: this.role.name, policyArn: pulumi.output(args.ctx).apply((c) => apiGatewayPushToLogsPolicyArn(c.partition)) },
      child.opts("push-to-logs", child.name("push-to-logs"), keep),
    );
    // The role must hold its permissions before API Gateway is pointed at it.
    this.account = new aws.apigateway.Account(
      child.name(),
      { cloudwatchRoleArn: this.role.arn },
      child.opts(undefined, child.name(), { ...keep, dependsOn: [attachment] }),
    );
    this.registerOutputs({ cloudwatchRoleArn: this.account.cloudwatchRoleArn });
  }
}
