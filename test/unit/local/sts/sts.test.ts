import { stackNames } from "../../../../infra/naming";
import { LocalAwsError } from "../../../../local/runtime/aws-request";
import { CredentialRegistry } from "../../../../local/iam/credentials";
import { createLocalIdentities } from "../../../../local/iam/roles";
import { assumeRole, assumeRoleXml, errorXml, parseAssumeRole } from "../../../../local/sts/sts";

const ctx = { partition: "aws", region: "us-east-1", accountId: "000000000000" };
const SUB = "0f0e0d0c-1111-2222-3333-444455556666";

function setup() {
  const registry = new CredentialRegistry();
  const ids = createLocalIdentities(registry, { ctx, names: stackNames("multi-tenant-assistant", "dev", "us-east-1"), apiId: "local", stage: "dev", agentId: "LOCALAGENT", agentAliasId: "LOCALALIAS", tenantIds: ["tenant1", "tenant2", "tenant3"] });
  return { registry, ids, o: { ctx, registry, roles: ids.roles } };
}

const request = (roleArn: string, tags: Record<string, string> = { tenantId: "tenant1", userId: SUB }) => ({
  roleArn,
  roleSessionName: `user-${SUB}`,
  durationSeconds: 900,
  tags,
});

async function denial(p: Promise<unknown>): Promise<LocalAwsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LocalAwsError) return e;
    throw e;
  }
  throw new Error("expected AccessDenied");
}

describe("AssumeRole on the tenant-access role", () => {
  it("lets the chat role mint tagged session keys bound to the role", async () => {
    const { ids, o, registry } = setup();
    const issued = await assumeRole(ids.functionCredentials.chat, request(ids.tenantAccessRole.arn), o);
    expect(issued.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(issued.sessionTags).toEqual({ tenantId: "tenant1", userId: SUB });
    expect(issued.principalArn).toBe(`arn:aws:sts::000000000000:assumed-role/multi-tenant-assistant-dev-tenant-access-use1/user-${SUB}`);
    expect(issued.expiresAt! - Date.now()).toBeGreaterThan(890_000);
    expect(registry.resolve(issued.accessKeyId)).toBe(issued);
    expect(assumeRoleXml(issued, "r")).toContain(`<AccessKeyId>${issued.accessKeyId}</AccessKeyId>`);
  });

  it("refuses the action-group and authorizer roles (not in the trust policy, no identity grant)", async () => {
    const { ids, o } = setup();
    for (const fn of ["action-group", "authorizer"] as const) {
      const e = await denial(assumeRole(ids.functionCredentials[fn], request(ids.tenantAccessRole.arn), o));
      expect(e.code).toBe("AccessDenied");
      expect(e.status).toBe(403);
    }
  });

  it("refuses even an allow-all caller that the trust policy does not name", async () => {
    const { ids, o } = setup();
    expect((await denial(assumeRole(ids.admin, request(ids.tenantAccessRole.arn), o))).code).toBe("AccessDenied");
  });

  it("requires both session tags and no others", async () => {
    const { ids, o } = setup();
    const chat = ids.functionCredentials.chat;
    expect((await denial(assumeRole(chat, request(ids.tenantAccessRole.arn, {}), o))).code).toBe("AccessDenied");
    expect((await denial(assumeRole(chat, request(ids.tenantAccessRole.arn, { tenantId: "tenant1" }), o))).code).toBe("AccessDenied");
    const extra = { tenantId: "tenant1", userId: SUB, role: "admin" };
    expect((await denial(assumeRole(chat, request(ids.tenantAccessRole.arn, extra), o))).code).toBe("AccessDenied");
  });

  it("refuses tag values outside the trust policy's pins (wildcard or unconfigured tenant, non-sub userId); the honest mint still works", async () => {
    const { ids, o } = setup();
    const chat = ids.functionCredentials.chat;
    const role = ids.tenantAccessRole.arn;
    for (const tags of [
      { tenantId: "*", userId: SUB },
      { tenantId: "tenant9", userId: SUB },
      { tenantId: "tenant1*", userId: SUB },
      { tenantId: "tenant1", userId: "*" },
      { tenantId: "tenant1", userId: "admin" },
      { tenantId: "tenant1", userId: `${SUB}-x` },
    ]) {
      const e = await denial(assumeRole(chat, request(role, tags), o));
      expect({ tags, code: e.code, status: e.status }).toEqual({ tags, code: "AccessDenied", status: 403 });
    }
    for (const tenantId of ["tenant1", "tenant2", "tenant3"]) {
      const issued = await assumeRole(chat, request(role, { tenantId, userId: SUB }), o);
      expect(issued.sessionTags).toEqual({ tenantId, userId: SUB });
    }
  });

  it("refuses roles the chat role has no grant on", async () => {
    const { ids, o } = setup();
    const e = await denial(assumeRole(ids.functionCredentials.chat, request(ids.functionRoles["action-group"].arn), o));
    expect(e.code).toBe("AccessDenied");
  });
});

describe("parseAssumeRole", () => {
  const params = (extra: Record<string, string>) =>
    new URLSearchParams({ Action: "AssumeRole", RoleArn: "arn:aws:iam::000000000000:role/r", RoleSessionName: "user-x", ...extra });

  it("reads tags and duration", () => {
    expect(parseAssumeRole(params({ DurationSeconds: "900", "Tags.member.1.Key": "tenantId", "Tags.member.1.Value": "t1" }))).toEqual({
      roleArn: "arn:aws:iam::000000000000:role/r",
      roleSessionName: "user-x",
      durationSeconds: 900,
      tags: { tenantId: "t1" },
    });
  });

  it("rejects durations outside 900–3600 and bad session names", () => {
    expect(() => parseAssumeRole(params({ DurationSeconds: "899" }))).toThrow(/900/);
    expect(() => parseAssumeRole(params({ DurationSeconds: "3601" }))).toThrow(/role chaining/);
    expect(() => parseAssumeRole(params({ RoleSessionName: "bad name!" }))).toThrow(/roleSessionName/);
  });

  it("renders STS XML errors the SDK parses", () => {
    expect(errorXml("AccessDenied", "a < b", "r")).toContain("<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>a &lt; b</Message></Error>");
  });
});
