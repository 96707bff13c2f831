/**
 * local/s3/s3.ts: the S3 stand-in with the real S3 client: SigV4 (S3's path signing) and
 * IAM per operation (I14); the operator may do everything, a function role nothing.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { stackNames } from "../../../../infra/naming";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { createLocalIdentities } from "../../../../local/iam/roles";
import { ObjectStore } from "../../../../local/s3/object-store";
import { parseS3Path, startS3, type S3Server } from "../../../../local/s3/s3";

const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
const names = stackNames("multi-tenant-assistant", "dev", "us-east-1");
const BUCKET = "mta-dev-knowledge";

describe("S3 stand-in (SigV4 + IAM)", () => {
  const registry = new CredentialRegistry();
  const ids = createLocalIdentities(registry, { ctx, names, apiId: "local", stage: "dev", agentId: "LOCALAGENT", agentAliasId: "LOCALALIAS", tenantIds: ["tenant1"] });
  const store = new ObjectStore();
  store.createBucket(BUCKET);
  let server: S3Server;
  const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new S3Client({
      region: "us-east-1",
      endpoint: server.url,
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });

  beforeAll(async () => {
    server = await startS3({ port: 0, ctx, registry, store });
  });
  afterAll(() => server.close());

  it("lets the operator put, list, head, get and delete objects", async () => {
    const s3 = client(ids.admin);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "tenant1/catalogue.md", Body: "# We sell tents", ContentType: "text/markdown" }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "tenant1/catalogue.md.metadata.json", Body: "{}" }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "tenant2/faq.txt", Body: "FAQ" }));

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "tenant1/" }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([
      ["tenant1/catalogue.md", 15],
      ["tenant1/catalogue.md.metadata.json", 2],
    ]);
    const paged = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 2 }));
    expect(paged.IsTruncated).toBe(true);
    const rest = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 2, ContinuationToken: paged.NextContinuationToken }));
    expect(rest.Contents?.map((o) => o.Key)).toEqual(["tenant2/faq.txt"]);

    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "tenant1/catalogue.md" }))).ContentLength).toBe(15);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "tenant1/catalogue.md" }));
    expect(await got.Body?.transformToString()).toBe("# We sell tents");

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "tenant2/faq.txt" }));
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "tenant2/faq.txt" }))).rejects.toMatchObject({ name: "NoSuchKey" });
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "tenant2/faq.txt" }))).rejects.toMatchObject({ name: "NotFound" });
    await expect(s3.send(new ListObjectsV2Command({ Bucket: "no-such-bucket" }))).rejects.toMatchObject({ name: "NoSuchBucket" });
  });

  it("denies every operation to a function role (no S3 in its policy), with S3's AccessDenied", async () => {
    const s3 = client(ids.functionCredentials.chat);
    for (const command of [
      new PutObjectCommand({ Bucket: BUCKET, Key: "tenant1/evil.md", Body: "x" }),
      new GetObjectCommand({ Bucket: BUCKET, Key: "tenant1/catalogue.md" }),
      new DeleteObjectCommand({ Bucket: BUCKET, Key: "tenant1/catalogue.md" }),
      new ListObjectsV2Command({ Bucket: BUCKET }),
    ]) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await expect(s3.send(command as any)).rejects.toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    }
    expect(store.get(BUCKET, "tenant1/evil.md")).toBeUndefined();
  });

  it("refuses a wrong secret and an unknown key", async () => {
    const wrong = client({ accessKeyId: ids.admin.accessKeyId, secretAccessKey: "not-the-secret" });
    await expect(wrong.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: "InvalidSignatureException" });
    const unknown = client({ accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" });
    await expect(unknown.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});

describe("parseS3Path", () => {
  it("splits path-style URLs into bucket and decoded key", () => {
    expect(parseS3Path("/my-bucket")).toEqual({ bucket: "my-bucket" });
    expect(parseS3Path("/my-bucket/")).toEqual({ bucket: "my-bucket" });
    expect(parseS3Path("/my-bucket/tenant1/a%20b.md")).toEqual({ bucket: "my-bucket", key: "tenant1/a b.md" });
    expect(parseS3Path("/")).toBeUndefined();
    expect(parseS3Path("/My_Bucket/x")).toBeUndefined();
    expect(parseS3Path("/my-bucket/%E0%A4%A")).toBeUndefined();
  });
});
