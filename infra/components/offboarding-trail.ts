/**
 * The stack's own CloudTrail trail (opt-in, stack setting `offboardingTrail`): EventBridge
 * receives Cognito's "AWS API Call via CloudTrail" events only while a trail logs the
 * Region's management events (I17, infra/offboarding-rule.ts). One Region, write
 * management events only (every offboarding call is a write), log-file validation on, into
 * a private bucket that only CloudTrail, for this trail, may write to
 * (`infra/policies.ts` `trailBucketPolicy`); log files expire after `LOG_FILE_DAYS`.
 */
import * as aws from "@pulumi/aws";
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
    const child = { parent: this };
    this.bucket = new aws.s3.Bucket("trail-logs", { forceDestroy: true }, child);
    const privateBucket = new aws.s3.BucketPublicAccessBlock(
      "trail-logs-private",
      { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      "trail-logs-expiry",
      { bucket: this.bucket.id, rules: [{ id: "expire-log-files", status: "Enabled", filter: {}, expiration: { days: LOG_FILE_DAYS } }] },
      child,
    );
    const policy = new aws.s3.BucketPolicy(
      "trail-logs-policy",
      {
        bucket: this.bucket.id,
        policy: policyJson(pulumi.all([args.ctx, this.bucket.bucket]), ([ctx, bucketName]) =>
          trailBucketPolicy(ctx, { bucketName, trailName: args.names.offboardingTrail }),
        ),
      },
      { ...child, dependsOn: [privateBucket] },
    );
    // CloudTrail checks the bucket policy when the trail is created.
    this.trail = new aws.cloudtrail.Trail(
      "offboarding-trail",
      {
        name: args.names.offboardingTrail,
        s3BucketName: this.bucket.bucket,
        isMultiRegionTrail: false,
        includeGlobalServiceEvents: false,
        enableLogFileValidation: true,
        eventSelectors: [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
      },
      { ...child, dependsOn: [policy] },
    );
    this.registerOutputs({ trailArn: this.trail.arn, bucketName: this.bucket.bucket });
  }
}
