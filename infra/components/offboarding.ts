/**
 * Offboarding on AWS (I17): the EventBridge rule on the user pool's CloudTrail management
 * events, its target (the offboarding function) and the permission that lets EventBridge,
 * for this rule only, invoke it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackNames } from "../naming";
import { offboardingEventPattern } from "../offboarding-rule";

export interface OffboardingEventsArgs {
  names: StackNames;
  offboardingFunction: aws.lambda.Function;
}

export class OffboardingEvents extends pulumi.ComponentResource {
  readonly rule: aws.cloudwatch.EventRule;

  constructor(name: string, args: OffboardingEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:OffboardingEvents", name, {}, opts);
    const child = { parent: this };
    this.rule = new aws.cloudwatch.EventRule(
      "offboarding-events",
      {
        name: args.names.offboardingRule,
        description: "User pool calls that end a user's access (disable, delete, global sign-out)",
        eventPattern: JSON.stringify(offboardingEventPattern()),
      },
      child,
    );
    new aws.cloudwatch.EventTarget("offboarding-target", { rule: this.rule.name, arn: args.offboardingFunction.arn }, child);
    new aws.lambda.Permission(
      "offboarding-invoke",
      {
        action: "lambda:InvokeFunction",
        function: args.offboardingFunction.name,
        principal: "events.amazonaws.com",
        sourceArn: this.rule.arn,
      },
      child,
    );
    this.registerOutputs({ ruleArn: this.rule.arn });
  }
}
