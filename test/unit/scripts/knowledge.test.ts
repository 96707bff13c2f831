/**
 * scripts/knowledge.ts end to end against in-process S3 and bedrock-agent stand-ins with
 * the operator's keys (SigV4 + IAM, as the local stack runs them): add writes each
 * document and its tenantId sidecar under the tenant's prefix and re-indexes; list and
 * remove; every mistake is one clear line and a non-zero exit.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stackNames } from "../../../infra/naming";
import { LocalKnowledgeBase } from "../../../local/bedrock/knowledge-base";
import { startKnowledgeBaseControl, type KnowledgeBaseControl } from "../../../local/bedrock/knowledge-base-control";
import { CredentialRegistry } from "../../../local/iam/credentials";
import { createLocalIdentities } from "../../../local/iam/roles";
import type { StackOutputs } from "../../../local/runtime/stack-outputs";
import { ObjectStore } from "../../../local/s3/object-store";
import { startS3, type S3Server } from "../../../local/s3/s3";
import { runKnowledgeCli } from "../../../scripts/knowledge";
import { knowledgeContext } from "../../../scripts/knowledge/documents";

const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
const BUCKET = "mta-dev-knowledge";

describe("npm run knowledge", () => {
  const registry = new CredentialRegistry();
  const ids = createLocalIdentities(registry, {
    ctx,
    names: stackNames("multi-tenant-assistant", "dev", "us-east-1"),
    apiId: "local",
    stage: "dev",
    agentId: "LOCALAGENT",
    agentAliasId: "LOCALALIAS",
    tenantIds: ["tenant1", "tenant2"],
  });
  const store = new ObjectStore();
  store.createBucket(BUCKET);
  const kb = new LocalKnowledgeBase("KBASE12345", "DSRCE12345", BUCKET, store);
  let s3: S3Server;
  let control: KnowledgeBaseControl;
  let outputs: StackOutputs;
  const dir = mkdtempSync(join(tmpdir(), "knowledge-cli-"));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  beforeAll(async () => {
    [s3, control] = await Promise.all([
      startS3({ port: 0, ctx, registry, store }),
      startKnowledgeBaseControl({ port: 0, ctx, registry, knowledgeBase: kb }),
    ]);
    outputs = {
      region: "us-east-1",
      webSocketUrl: "ws://127.0.0.1:1/dev",
      webSocketProtocol: "mta.v1",
      userPoolId: "us-east-1_local",
      userPoolClientId: "client",
      tenantsTableName: "t",
      ordersTableNames: { tenant1: "o1", tenant2: "o2" },
      connectionsTableName: "c",
      usageTableName: "usage",
      agentId: "LOCALAGENT",
      agentAliasId: "LOCALALIAS",
      knowledgeBucketName: BUCKET,
      knowledgeBaseId: "KBASE12345",
      knowledgeDataSourceId: "DSRCE12345",
      users: {},
      endpoints: { cognito: "", dynamodb: "", sts: "", lambda: "", bedrockAgentRuntime: "", apiGatewayManagement: "", s3: s3.url, bedrockAgent: control.url },
      adminCredentials: { accessKeyId: ids.admin.accessKeyId, secretAccessKey: ids.admin.secretAccessKey },
    };
  });
  afterAll(async () => {
    await s3.close();
    await control.close();
  });

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runKnowledgeCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, () => knowledgeContext(outputs));
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("adds documents with their tenantId sidecars under the tenant's prefix and re-indexes", async () => {
    const result = await run("add", "--tenant", "tenant1", file("catalogue.md", "# We sell tents"), file("faq.txt", "Shipping takes 3 days."));
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(result.out).toContain("uploaded for tenant1: catalogue.md, faq.txt");
    expect(result.out).toMatch(/re-indexed \(job \w+: 2 scanned, 2 new/);
    expect(store.get(BUCKET, "tenant1/catalogue.md")?.body.toString()).toBe("# We sell tents");
    expect(JSON.parse(store.get(BUCKET, "tenant1/catalogue.md.metadata.json")!.body.toString())).toEqual({ metadataAttributes: { tenantId: "tenant1" } });
    expect(kb.retrieve("tents", { equals: { key: "tenantId", value: "tenant1" } })).toHaveLength(1);
  });

  it("lists one tenant's documents or everyone's, without sidecars", async () => {
    await run("add", "--tenant", "tenant2", file("beans.md", "Coffee"));
    const one = await run("list", "--tenant", "tenant1");
    expect(one.out.split("\n").map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual(["tenant1 catalogue.md", "tenant1 faq.txt"]);
    const all = await run("list");
    expect(all.out).toContain("tenant2      beans.md");
    expect(all.out).not.toContain("metadata.json");
  });

  it("removes a document and its sidecar, then re-indexes", async () => {
    const result = await run("remove", "--tenant", "tenant1", "faq.txt");
    expect(result.code).toBe(0);
    expect(result.out).toContain("removed faq.txt of tenant1");
    expect(store.get(BUCKET, "tenant1/faq.txt")).toBeUndefined();
    expect(store.get(BUCKET, "tenant1/faq.txt.metadata.json")).toBeUndefined();
    expect(kb.retrieve("shipping", { equals: { key: "tenantId", value: "tenant1" } })).toEqual([]);
  });

  it.each([
    [["add", "--tenant", "tenant9", "x.md"], 1, 'unknown tenant "tenant9": this stack\'s tenants are tenant1, tenant2'],
    [["remove", "--tenant", "tenant1", "nope.md"], 1, "tenant tenant1 has no document named nope.md"],
    [["add", "--tenant", "tenant1", "/no/such/file.md"], 1, "/no/such/file.md: no such file"],
    [["add", "--tenant", "tenant1", "slides.pptx"], 1, "slides.pptx: unsupported type"],
    [["frobnicate"], 2, 'unknown command "frobnicate"'],
  ])("%j exits %i with one clear message", async (argv, code, message) => {
    const before = store.list(BUCKET).length;
    const result = await run(...argv);
    expect(result.code).toBe(code);
    expect(result.err.split("\n")[0]).toContain(message);
    expect(store.list(BUCKET)).toHaveLength(before);
  });

  it("uploads nothing when any one of the files is bad", async () => {
    const before = store.list(BUCKET).length;
    const result = await run("add", "--tenant", "tenant1", file("good.md", "ok"), join(dir, "missing.md"));
    expect(result.code).toBe(1);
    expect(store.list(BUCKET)).toHaveLength(before);
  });
});
