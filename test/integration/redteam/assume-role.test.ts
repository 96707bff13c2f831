/**
 * Red team (I3, T2/T3): the tenant-access role's trust policy, attacked with the chat
 * role's own keys, as a compromised chat function would. Local stack only: the keys come
 * from the red-team control server (`GET /chat-role-credentials`, which exists only
 * locally; on AWS a function's credentials never leave Lambda), and local STS evaluates
 * the very trust policy the Pulumi program deploys (`infra/policies.ts`
 * `tenantAccessTrustPolicy`). Every session the chat function should never be able to
 * mint is refused: a wildcard or unconfigured tenant, a user id that is not a Cognito
 * sub, an extra tag, missing tags; the legitimate tags are accepted.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type Tag } from "@aws-sdk/client-sts";
import { randomUUID } from "node:crypto";
import { getChatRoleCredentials } from "../../../local/redteam/control-server";
import { stackIsLocal } from "../../support/stack/outputs";
import { useHarness } from "./support/harness";

jest.setTimeout(60_000);

const IS_LOCAL = stackIsLocal();
const describeLocal = IS_LOCAL ? describe : describe.skip;
if (!IS_LOCAL) process.stdout.write("assume-role: trust-policy attacks with the chat role's keys SKIPPED (local stack only)\n");

let sts: STSClient | undefined;
let roleArn = "";
const harness = useHarness("assume-role", async (h) => {
  if (!IS_LOCAL) {
    h.tally.skipped("AssumeRole attacks with the chat role's keys (local only)");
    return;
  }
  const control = h.stack.outputs.endpoints?.control;
  const token = h.stack.outputs.controlToken;
  const sts_ = h.stack.outputs.endpoints?.sts;
  if (!control || !token || !sts_) throw new Error("the local stack outputs name no control server or STS endpoint");
  const keys = await getChatRoleCredentials(control, token);
  roleArn = keys.tenantAccessRoleArn;
  sts = new STSClient({
    region: h.stack.outputs.region,
    endpoint: sts_,
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken },
    maxAttempts: 1,
  });
});

afterAll(() => sts?.destroy());

const SUB = "11111111-1111-4111-8111-111111111111";

async function assume(tags: Tag[] | undefined): Promise<"allowed" | string> {
  if (!sts) throw new Error("no STS client");
  try {
    const result = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `user-${SUB}`.slice(0, 64), DurationSeconds: 900, Tags: tags }),
    );
    return result.Credentials?.AccessKeyId ? "allowed" : "no credentials";
  } catch (error) {
    return (error as { name?: string }).name ?? "error";
  }
}

describeLocal("the tenant-access trust policy against the chat role's own keys (I3)", () => {
  it("refuses every session the chat function must never mint", async () => {
    const h = harness();
    const tenant = h.stack.tenants[0].id;
    const attacks: Array<[string, Tag[] | undefined]> = [
      ['tenantId="*"', [{ Key: "tenantId", Value: "*" }, { Key: "userId", Value: SUB }]],
      ["tenantId with a wildcard suffix", [{ Key: "tenantId", Value: `${tenant}*` }, { Key: "userId", Value: SUB }]],
      ["an unconfigured tenant", [{ Key: "tenantId", Value: "tenant-not-configured" }, { Key: "userId", Value: SUB }]],
      ["userId that is not a sub", [{ Key: "tenantId", Value: tenant }, { Key: "userId", Value: "admin" }]],
      ['userId="*"', [{ Key: "tenantId", Value: tenant }, { Key: "userId", Value: "*" }]],
      ["an extra tag", [{ Key: "tenantId", Value: tenant }, { Key: "userId", Value: SUB }, { Key: "role", Value: "admin" }]],
      ["no tags", undefined],
      ["tenantId only", [{ Key: "tenantId", Value: tenant }]],
      ["userId only", [{ Key: "userId", Value: SUB }]],
    ];
    const outcomes: Record<string, string> = {};
    for (const [label, tags] of attacks) outcomes[label] = await assume(tags);
    h.tally.attack("assume-role: trust policy with the chat role's keys", attacks.length);
    expect(outcomes).toEqual(Object.fromEntries(attacks.map(([label]) => [label, "AccessDenied"])));
  });

  it("accepts the legitimate tags (configured tenant, sub-shaped user), and the session is the user's", async () => {
    const h = harness();
    if (!sts) throw new Error("no STS client");
    const tenant = h.stack.tenants[0].id;
    const sub = randomUUID();
    const result = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: `user-${sub}`.slice(0, 64),
        DurationSeconds: 900,
        Tags: [{ Key: "tenantId", Value: tenant }, { Key: "userId", Value: sub }],
      }),
    );
    const minted = result.Credentials;
    expect(minted?.AccessKeyId).toMatch(/^ASIA/);
    const asUser = new STSClient({
      region: h.stack.outputs.region,
      endpoint: h.stack.outputs.endpoints?.sts,
      credentials: { accessKeyId: minted!.AccessKeyId!, secretAccessKey: minted!.SecretAccessKey!, sessionToken: minted!.SessionToken! },
      maxAttempts: 1,
    });
    try {
      const identity = await asUser.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toContain(`/user-${sub}`);
    } finally {
      asUser.destroy();
    }
    h.tally.honest(1);
  });
});
