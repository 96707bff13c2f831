/**
 * infra/components/offboarding-trail.ts under Pulumi runtime mocks: the opt-in trail that
 * lets EventBridge see Cognito's management events (I17), with a private, expiring bucket
 * that only CloudTrail, for this trail, may write to.
 */
import { stackNames } from "../../../../infra/naming";
import { trailArn, trailBucketPolicy, type AwsContext, type PolicyDocument } from "../../../../infra/policies";
import { installMocks, MOCK_ACCOUNT, MOCK_REGION, settled, type RecordedResource } from "../pulumi-mocks";

const names = stackNames("multi-tenant-assistant", "dev", MOCK_REGION);
const ctx: AwsContext = { partition: "aws", region: MOCK_REGION, accountId: MOCK_ACCOUNT };

let resources: RecordedResource[];
const one = (type: string) => {
  const found = resources.filter((r) => r.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};

beforeAll(async () => {
  resources = await installMocks("multi-tenant-assistant", "dev");
  const { OffboardingTrail } = await import("../../../../infra/components/offboarding-trail");
  new OffboardingTrail("offboarding-trail", { ctx, names });
  await settled(resources);
});

describe("OffboardingTrail", () => {
  it("logs this Region's write management events only, with log-file validation, into its own bucket", () => {
    const trail = one("aws:cloudtrail/trail:Trail");
    const bucket = one("aws:s3/bucket:Bucket");
    expect(trail.inputs).toMatchObject({
      name: names.offboardingTrail,
      s3BucketName: bucket.state.bucket,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      enableLogFileValidation: true,
      eventSelectors: [{ readWriteType: "WriteOnly", includeManagementEvents: true }],
    });
    expect(trail.inputs.advancedEventSelectors).toBeUndefined();
  });

  it("keeps the bucket private and its log files 90 days", () => {
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules).toEqual([
      expect.objectContaining({ status: "Enabled", expiration: expect.objectContaining({ days: 90 }) }),
    ]);
  });

  it("attaches exactly trailBucketPolicy for this bucket and trail", () => {
    const bucket = one("aws:s3/bucket:Bucket");
    const policy = JSON.parse(one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy) as PolicyDocument;
    expect(policy).toEqual(trailBucketPolicy(ctx, { bucketName: bucket.state.bucket, trailName: names.offboardingTrail }));
  });
});

describe("trailBucketPolicy", () => {
  const policy = trailBucketPolicy(ctx, { bucketName: "logs-bucket", trailName: "mta-dev-management-events" });
  const source = trailArn(ctx, "mta-dev-management-events");

  it("grants CloudTrail, and no one else, exactly the ACL check and log-file writes under this account", () => {
    expect(policy.Statement.map((s) => [s.Effect, s.Principal, s.Action, s.Resource])).toEqual([
      ["Allow", { Service: "cloudtrail.amazonaws.com" }, "s3:GetBucketAcl", "arn:aws:s3:::logs-bucket"],
      ["Allow", { Service: "cloudtrail.amazonaws.com" }, "s3:PutObject", `arn:aws:s3:::logs-bucket/AWSLogs/${MOCK_ACCOUNT}/*`],
    ]);
  });

  it("pins every grant to this trail (aws:SourceArn), and writes to the owner's full control", () => {
    expect(source).toBe(`arn:aws:cloudtrail:${MOCK_REGION}:${MOCK_ACCOUNT}:trail/mta-dev-management-events`);
    for (const statement of policy.Statement) expect(statement.Condition?.StringEquals?.["aws:SourceArn"]).toBe(source);
    expect(policy.Statement[1].Condition?.StringEquals?.["s3:x-amz-acl"]).toBe("bucket-owner-full-control");
  });
});
