/** local/bedrock/knowledge-base-control.ts: StartIngestionJob/GetIngestionJob with the real SDK client, SigV4 and IAM (I14). */
import { BedrockAgentClient, GetIngestionJobCommand, StartIngestionJobCommand } from "@aws-sdk/client-bedrock-agent";
import { stackNames } from "../../../../infra/naming";
import { LocalKnowledgeBase } from "../../../../local/bedrock/knowledge-base";
import { startKnowledgeBaseControl, type KnowledgeBaseControl } from "../../../../local/bedrock/knowledge-base-control";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { createLocalIdentities } from "../../../../local/iam/roles";
import { ObjectStore } from "../../../../local/s3/object-store";

const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
const names = stackNames("multi-tenant-assistant", "dev", "us-east-1");
const ids = { knowledgeBaseId: "KBASE12345", dataSourceId: "DSRCE12345" };

describe("bedrock-agent stand-in: ingestion jobs", () => {
  const registry = new CredentialRegistry();
  const identities = createLocalIdentities(registry, { ctx, names, apiId: "local", stage: "dev", agentId: "LOCALAGENT", agentAliasId: "LOCALALIAS", tenantIds: ["tenant1"] });
  const store = new ObjectStore();
  store.createBucket("kb-docs");
  const kb = new LocalKnowledgeBase(ids.knowledgeBaseId, ids.dataSourceId, "kb-docs", store);
  let control: KnowledgeBaseControl;
  const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new BedrockAgentClient({ region: "us-east-1", endpoint: control.url, credentials, maxAttempts: 1 });

  beforeAll(async () => {
    control = await startKnowledgeBaseControl({ port: 0, ctx, registry, knowledgeBase: kb });
  });
  afterAll(() => control.close());

  it("re-indexes the bucket on StartIngestionJob; GetIngestionJob reads the job back", async () => {
    store.put("kb-docs", "tenant1/a.md", Buffer.from("We sell tents."));
    store.put("kb-docs", "tenant1/a.md.metadata.json", Buffer.from('{"metadataAttributes":{"tenantId":"tenant1"}}'));
    const agent = client(identities.admin);
    const { ingestionJob } = await agent.send(new StartIngestionJobCommand(ids));
    expect(ingestionJob).toMatchObject({ ...ids, status: "COMPLETE", statistics: { numberOfDocumentsScanned: 1, numberOfNewDocumentsIndexed: 1 } });
    expect(kb.retrieve("tents", { equals: { key: "tenantId", value: "tenant1" } })).toHaveLength(1);
    const again = await agent.send(new GetIngestionJobCommand({ ...ids, ingestionJobId: ingestionJob!.ingestionJobId }));
    expect(again.ingestionJob?.status).toBe("COMPLETE");
    await expect(agent.send(new GetIngestionJobCommand({ ...ids, ingestionJobId: "NOSUCHJOB0" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(agent.send(new StartIngestionJobCommand({ ...ids, dataSourceId: "OTHERDSRC0" }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("denies a function role (no bedrock:StartIngestionJob) and a bad signature", async () => {
    await expect(client(identities.functionCredentials.chat).send(new StartIngestionJobCommand(ids))).rejects.toMatchObject({ name: "AccessDeniedException" });
    const forged = client({ accessKeyId: identities.admin.accessKeyId, secretAccessKey: "wrong" });
    await expect(forged.send(new StartIngestionJobCommand(ids))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});
