/**
 * The account, region and partition the stack deploys into, as one Output, so every
 * policy builder in policies.ts gets a complete AwsContext.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "./policies";

/** `arn:aws-cn:iam::…` → `aws-cn`: saves a getPartition call. */
export function partitionOfArn(arn: string): string {
  const partition = arn.split(":")[1];
  if (!arn.startsWith("arn:") || !partition) throw new Error(`not an ARN: ${arn}`);
  return partition;
}

export function awsContext(opts?: pulumi.InvokeOutputOptions): pulumi.Output<AwsContext> {
  const identity = aws.getCallerIdentityOutput({}, opts);
  const region = aws.getRegionOutput({}, opts);
  return pulumi.all([identity, region]).apply(([id, r]) => ({
    partition: partitionOfArn(id.arn),
    region: r.region,
    accountId: id.accountId,
  }));
}

/** Policy documents go to IAM as JSON strings: the exact text that policies.ts produced. */
export function policyJson<T>(input: pulumi.Input<T>, build: (value: pulumi.Unwrap<T>) => object): pulumi.Output<string> {
  return pulumi.output(input).apply((value) => JSON.stringify(build(value)));
}

/**
 * Management API endpoint of a WebSocket API stage on AWS, given to the chat and
 * action-group functions. Note: hard-codes the `amazonaws.com` DNS suffix, which is wrong
 * outside the commercial partition (aws-cn uses amazonaws.com.cn); the partition work
 * should derive the suffix from the AwsContext instead.
 */
export function managementEndpoint(apiId: string, region: string, stage: string): string {
  return `https://${apiId}.execute-api.${region}.amazonaws.com/${stage}`;
}
