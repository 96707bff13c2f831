/**
 * The stack's own CloudTrail trail (opt-in, stack setting `offboardingTrail`): EventBridge
 * receives Cognito's "AWS API Call via CloudTrail" events only while a trail logs the
 * Region's management events (I17, infra/offboarding-rule.ts). One Region, write
 * management events only (every offboarding call is a write), log-file validation on, into
 * a private bucket that only CloudTrail, for this trail, may write to
 * (`infra/policies.ts` `trailBucketPolicy`); log files expire after `LOG_FILE_DAYS`.
 */
import * as aws from "@pulumi/aws";
import { ChildNames } from "./child-names";
import * as pulumi from "@pulumi/pulumi";
import { policyJson } from "../aws-context";
import type { StackNames } from "../naming";
import { type AwsContext, trailBucketPolicy } from "../policies";

/** Long enough to investigate an offboarding; the trail is not the account's audit archive. */
export const LOG_FILE_DAYS = 90;

export interface OffboardingTrailArgs {
  ctx: pulumi.Input<AwsContext>;
  names: StackNames;
}

export class OffboardingTrail extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly trail: aws.cloudtrail.Trail;

  constructor(name: string, args: OffboardingTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mta:infra:OffboardingTrail", name, {}, opts);
    // Children are named after the component (so it can be used twice); the first names
    // stay as aliases for stacks created before (ChildNames).
    const child = new ChildNames(this, name, "offboarding-trail");
    this.bucket = new aws.s3.Bucket(child.name("logs"), { forceDestroy: true }, child.opts("logs", "trail-logs"));
    const privateBucket = new aws.s3.BucketPublicAccessBlock(
      child.name("logs-private"),
      { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child.opts("logs-private", "trail-logs-private"),
    );
    new aws.s3.BucketLifecycleConfiguration(
      child.name("logs-expiry"),
      { bucket: this.bucket.id, rules: [{ id: "expire-log-files", status: "Enabled", filter: {}, expiration: { days: LOG_FILE_DAYS } }] },
      child.opts("logs-expiry", "trail-logs-expiry"),
    );
    const policy = new aws.s3.BucketPolicy(
      child.name("logs-policy"),
      {
        bucket: this.bucket.id,
        policy: policyJson(pulumi.all([args.ctx, this.bucket.bucket]), ([ctx, bucketName]) =>
          trailBucketPolicy(ctx, { bucketName, trailName: args.names.offboardingTrail }),
        ),
      },
      child.opts("logs-policy", "trail-logs-policy", { dependsOn: [privateBucket] }),
    );
    // CloudTrail checks the bucket policy when the trail is created.
    this.trail = new aws.cloudtrail.Trail(
      child.name(),
      {
        name: args.names.offboardingTrail,
        s3BucketName: this.bucket.bucket,
        isMultiRegionTrail: false,
        includeGlobalServiceEvents: false,
        enableLogFileValidation: true,
        eventSelectors: [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
      },
      child.opts(undefined, "offboarding-trail", { dependsOn: [policy] }),
    );
    this.registerOutputs({ trailArn: this.trail.arn, bucketName: this.bucket.bucket });
  }
}
