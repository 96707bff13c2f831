/**
 * Offboarding on AWS (I17): the EventBridge rule on the user pool's CloudTrail management
 * events, its target (the offboarding function) and the permission that lets EventBridge,
 * for this rule only, invoke it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChildNames } from "./child-names";
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
    const child = new ChildNames(this, name, "offboarding-events");
        this.rule = new aws.cloudwatch.EventRule(
      child.name(),
      {
        name: args.names.offboardingRule,
        description: "User pool calls that end a user's access (disable, delete, global sign-out)",
        eventPattern: JSON.stringify(offboardingEventPattern()),
      },
      child.opts(undefined, "offboarding-events"),
    );
    new aws.cloudwatch.EventTarget(child.name("target"), { rule: this.rule.name, arn: args.offboardingFunction.arn }, child.opts("target", "offboarding-target"));
    new aws.lambda.Permission(
      child.name("invoke"),
      {
        action: "lambda:InvokeFunction",
        function: args.offboardingFunction.name,
        principal: "events.amazonaws.com",
        sourceArn: this.rule.arn,
      },
      child.opts("invoke", "offboarding-invoke"),
    );
    this.registerOutputs({ ruleArn: this.rule.arn });
  }
}
