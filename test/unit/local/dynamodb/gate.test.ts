import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { stackNames } from "../../../../infra/naming";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { startDynamoDbGate, type DynamoDbGate } from "../../../../local/dynamodb/gate";
import { createLocalIdentities } from "../../../../local/iam/roles";
import { assumeRole } from "../../../../local/sts/sts";
import { createTablesAndSeed } from "../../../../local/dynamodb/tables";
import { BenchmarkIamGateSwitch, switchIamGate } from "../../../../local/iam/iam-gate";

const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
const names = stackNames("multi-tenant-assistant", "dev", "us-east-1");
const config = {
  tenants: [
    { id: "tenant1", displayName: "One", returnPolicyDays: 10, users: ["u1"] },
    { id: "tenant2", displayName: "Two", returnPolicyDays: 20, users: ["u2"] },
  ],
} as Parameters<typeof createTablesAndSeed>[2];
const SUB = "0f0e0d0c-1111-2222-3333-444455556666";

describe("DynamoDB gate (SigV4 + IAM with LeadingKeys)", () => {
  const registry = new CredentialRegistry();
  const ids = createLocalIdentities(registry, { ctx, names, apiId: "local", stage: "dev", agentId: "LOCALAGENT", agentAliasId: "LOCALALIAS", tenantIds: config.tenants.map((t) => t.id) });
  let gate: DynamoDbGate;
  let scoped: DynamoDBClient;
  const client = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new DynamoDBClient({ region: "us-east-1", endpoint: gate.url, credentials: c, maxAttempts: 1 });

  beforeAll(async () => {
    gate = await startDynamoDbGate({ port: 0, ctx, registry });
    await createTablesAndSeed(client(ids.admin), names, config);
    const session = await assumeRole(
      ids.functionCredentials.chat,
      { roleArn: ids.tenantAccessRole.arn, roleSessionName: `user-${SUB}`, durationSeconds: 900, tags: { tenantId: "tenant1", userId: SUB } },
      { ctx, registry, roles: ids.roles },
    );
    scoped = client({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken });
  });
  afterAll(() => gate.close());

  it("allows the scoped session its own tenant row and denies another tenant's", async () => {
    const own = await scoped.send(new GetItemCommand({ TableName: names.tenantsTable, Key: { tenantId: { S: "tenant1" } } }));
    expect(own.Item?.returnPolicyDays).toEqual({ N: "10" });
    await expect(scoped.send(new GetItemCommand({ TableName: names.tenantsTable, Key: { tenantId: { S: "tenant2" } } }))).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining("is not authorized to perform: dynamodb:GetItem"),
    });
  });

  it("allows a Query of the caller's own partition only, and never Scan or writes", async () => {
    const own = await scoped.send(
      new QueryCommand({ TableName: names.ordersTable("tenant1"), KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": { S: SUB } } }),
    );
    expect(own.Items).toEqual([]);
    const other = new QueryCommand({ TableName: names.ordersTable("tenant1"), KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": { S: "someone-else" } } });
    await expect(scoped.send(other)).rejects.toMatchObject({ name: "AccessDeniedException" });
    const otherTenant = new QueryCommand({ TableName: names.ordersTable("tenant2"), KeyConditionExpression: "userId = :u", ExpressionAttributeValues: { ":u": { S: SUB } } });
    await expect(scoped.send(otherTenant)).rejects.toMatchObject({ name: "AccessDeniedException" });
    await expect(scoped.send(new ScanCommand({ TableName: names.ordersTable("tenant1") }))).rejects.toMatchObject({ name: "AccessDeniedException" });
    const write = new PutItemCommand({ TableName: names.ordersTable("tenant1"), Item: { userId: { S: SUB }, orderId: { S: "x" } } });
    await expect(scoped.send(write)).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  it("gives the action-group role nothing on tenant data", async () => {
    const ag = client(ids.functionCredentials["action-group"]);
    await expect(ag.send(new GetItemCommand({ TableName: names.tenantsTable, Key: { tenantId: { S: "tenant1" } } }))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });

  it("refuses bad signatures and unknown keys", async () => {
    await expect(client({ ...ids.admin, secretAccessKey: "wrong" }).send(new ScanCommand({ TableName: names.tenantsTable }))).rejects.toMatchObject({ name: "InvalidSignatureException" });
    await expect(client({ accessKeyId: "AKIANOTAKEYATALL1234", secretAccessKey: "x" }).send(new ScanCommand({ TableName: names.tenantsTable }))).rejects.toMatchObject({ name: "UnrecognizedClientException" });
  });
});

describe("DynamoDB gate with a benchmark's IAM gate switch (T25a)", () => {
  const registry = new CredentialRegistry();
  const ids = createLocalIdentities(registry, { ctx, names, apiId: "local", stage: "dev", agentId: "LOCALAGENT", agentAliasId: "LOCALALIAS", tenantIds: config.tenants.map((t) => t.id) });
  const iamGate = new BenchmarkIamGateSwitch();
  let gate: DynamoDbGate;
  const client = (c: { accessKeyId: string; secretAccessKey: string }) => new DynamoDBClient({ region: "us-east-1", endpoint: gate.url, credentials: c, maxAttempts: 1 });
  const otherTenantRow = new GetItemCommand({ TableName: names.tenantsTable, Key: { tenantId: { S: "tenant2" } } });

  beforeAll(async () => {
    gate = await startDynamoDbGate({ port: 0, ctx, registry, iamGate });
    await createTablesAndSeed(client(ids.admin), names, config);
  });
  afterAll(() => gate.close());

  it("refuses a bad signature and an IAM denial while on, serves both while off, and refuses them again once back on", async () => {
    const badSignature = client({ ...ids.admin, secretAccessKey: "wrong" });
    const noRights = client(ids.functionCredentials["action-group"]);
    await expect(badSignature.send(otherTenantRow)).rejects.toMatchObject({ name: "InvalidSignatureException" });
    await expect(noRights.send(otherTenantRow)).rejects.toMatchObject({ name: "AccessDeniedException" });

    switchIamGate(iamGate, false);
    expect((await badSignature.send(otherTenantRow)).Item?.returnPolicyDays).toEqual({ N: "20" });
    expect((await noRights.send(otherTenantRow)).Item?.returnPolicyDays).toEqual({ N: "20" });

    switchIamGate(iamGate, true);
    await expect(badSignature.send(otherTenantRow)).rejects.toMatchObject({ name: "InvalidSignatureException" });
    await expect(noRights.send(otherTenantRow)).rejects.toMatchObject({ name: "AccessDeniedException" });
    // The allowed path still works with the gate on.
    expect((await client(ids.admin).send(otherTenantRow)).Item?.returnPolicyDays).toEqual({ N: "20" });
  });
});

describe("dynalite is reachable only through the gate (I14)", () => {
  /** Inodes of the TCP sockets this process is listening on (from /proc: Linux only, as the stack). */
  function listeningTcpPorts(): Set<number> {
    const inodes = new Set(
      readdirSync("/proc/self/fd").flatMap((fd) => {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
          return m ? [m[1]] : [];
        } catch {
          return [];
        }
      }),
    );
    const ports = new Set<number>();
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
        const cols = line.trim().split(/\s+/);
        // st 0A = LISTEN; local address hex "IP:PORT"; inode in column 9.
        if (cols[3] === "0A" && inodes.has(cols[9])) ports.add(parseInt(cols[1].split(":").pop() ?? "0", 16));
      }
    }
    return ports;
  }

  it("listens on no TCP port but the gate's; its socket is in an owner-only directory", async () => {
    const before = listeningTcpPorts();
    const stateDir = mkdtempSync(join(tmpdir(), "mta-gate-test-"));
    const registry = new CredentialRegistry();
    const gate = await startDynamoDbGate({ port: 0, ctx, registry, stateDir });
    try {
      const added = [...listeningTcpPorts()].filter((p) => !before.has(p));
      expect(added).toEqual([Number(new URL(gate.url).port)]);
      expect(gate.backendSocket.startsWith(stateDir)).toBe(true);
      expect(statSync(dirname(gate.backendSocket)).mode & 0o777).toBe(0o700);
      expect(statSync(gate.backendSocket).isSocket()).toBe(true);
    } finally {
      await gate.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
