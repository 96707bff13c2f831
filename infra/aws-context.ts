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

/** The partition's DNS suffix, from the provider (`amazonaws.com`, `amazonaws.com.cn`, …). */
export function dnsSuffix(opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return aws.getPartitionOutput({}, opts).dnsSuffix;
}

/**
 * The stack's Region, known before any call: stackNames needs it for IAM role names
 * (IAM is global). `aws:region` as the provider reads it, else the AWS SDK's variables.
 */
export function stackRegion(): string {
  const region = new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error("no AWS Region: set it with `pulumi config set aws:region <region>`");
  return region;
}

/**
 * Management API endpoint of a WebSocket API stage, given to the functions that post to
 * connections. The DNS suffix is the partition's (aws-cn: `amazonaws.com.cn`).
 */
export function managementEndpoint(apiId: string, region: string, stage: string, suffix: string): string {
  return `https://${apiId}.execute-api.${region}.${suffix}/${stage}`;
}
