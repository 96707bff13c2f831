/**
 * One execution role per function, created before the functions and their policies so
 * that the tenant-access trust policy can name the chat role (IAM rejects a principal
 * that does not exist yet) while the chat policy names the tenant-access role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
import type { FunctionName, StackNames } from "../naming";
import { lambdaTrustPolicy } from "../policies";

export interface FunctionRolesArgs {
  names: StackNames;
}

export class FunctionRoles extends pulumi.ComponentResource {
  readonly roles: Record<FunctionName, aws.iam.Role>;

  constructor(name: string, args: FunctionRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:FunctionRoles", name, {}, opts);
    const child = new ChildNames(this, name, "function-roles");
    const role = (fn: FunctionName) =>
      new aws.iam.Role(
        child.name(`${fn}-role`),
        {
          name: args.names.functionRoleName(fn),
          description: `Execution role of the ${fn} function`,
          assumeRolePolicy: JSON.stringify(lambdaTrustPolicy()),
        },
        child.opts(`${fn}-role`, `${fn}-role`),
      );
    this.roles = {
      authorizer: role("authorizer"),
      chat: role("chat"),
      "action-group": role("action-group"),
      offboarding: role("offboarding"),
    };
    this.registerOutputs({});
  }
}
