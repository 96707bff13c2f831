/**
 * Red team: tokens. Every bad token is refused at the WebSocket upgrade (the REQUEST
 * authorizer on `$connect`), and the honest connect with the user's real ID token in the
 * subprotocol still succeeds and answers.
 */
import { CreateUserPoolClientCommand, DeleteUserPoolClientCommand } from "@aws-sdk/client-cognito-identity-provider";
import { createSigningKey, signJwt } from "../../../local/cognito/test-identity-provider";
import { stackIsLocal } from "../../support/stack/outputs";
import { decodeClaims, signIn } from "../../../scripts/stack-client/sign-in";
import type { TestUser } from "../../support/stack/test-users";
import { StackConnection, UpgradeRefusedError } from "../../../scripts/stack-client/ws-client";
import { useHarness } from "./support/harness";
import { reissueLocally } from "./support/local-issuer";

jest.setTimeout(60_000);

const IS_LOCAL = stackIsLocal();
const localIt = IS_LOCAL ? it : it.skip;
if (!IS_LOCAL) process.stdout.write("tokens: tokens signed with the local issuer's key SKIPPED (local stack only)\n");

let user: TestUser;
let otherTenantUser: TestUser;
const harness = useHarness("tokens", async (h) => {
  [user, otherTenantUser] = [
    await h.users.create(h.stack.tenants[0].id, "tok-a", 1),
    await h.users.create(h.stack.tenants[1].id, "tok-b", 1),
  ];
  if (!IS_LOCAL) h.tally.skipped("tokens signed with the local issuer's key (local only)");
});

const now = () => Math.floor(Date.now() / 1000);

function headerAndPayload(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } {
  const [h, p, s] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>,
    signature: s,
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function expectRefused(name: string, subprotocols: string[], options: { query?: string } = {}): Promise<void> {
  const h = harness();
  h.tally.attack(`token/${name}`);
  const attempt = StackConnection.open(h.stack.outputs.webSocketUrl, subprotocols, undefined, options);
  const refusal = await attempt.then(
    async (connection) => {
      await connection.close();
      return undefined;
    },
    (error: unknown) => error,
  );
  expect({ name, refused: refusal instanceof UpgradeRefusedError }).toEqual({ name, refused: true });
  expect([401, 403]).toContain((refusal as UpgradeRefusedError).status);
}

async function expectHonestConnectWorks(): Promise<void> {
  const h = harness();
  const connection = await h.connect(user);
  // The server agrees on the app protocol, never echoes the token.
  expect(connection.socket.protocol).toBe(h.stack.outputs.webSocketProtocol);
  const answer = await connection.ask("List my orders");
  expect(answer.outcome).toBe("done");
  expect(answer.text).toContain(user.orders[0].canary);
  h.tally.honest();
  await connection.close();
}

describe("tokens refused at the upgrade", () => {
  const protocol = () => harness().stack.outputs.webSocketProtocol;

  it("forged signature: the real claims signed with another key under the same kid", async () => {
    const { header, payload } = headerAndPayload(user.idToken);
    const forged = signJwt(payload, createSigningKey(String(header.kid)));
    await expectRefused("forged_signature", [protocol(), forged]);
    await expectHonestConnectWorks();
  });

  it("tampered signature: one bit of the real signature flipped", async () => {
    const [h, p, s] = user.idToken.split(".");
    const bytes = Buffer.from(s, "base64url");
    bytes[bytes.length - 1] ^= 0x01;
    await expectRefused("tampered_signature", [protocol(), `${h}.${p}.${bytes.toString("base64url")}`]);
    await expectHonestConnectWorks();
  });

  it("alg none: the real claims, unsigned", async () => {
    const { header, payload } = headerAndPayload(user.idToken);
    await expectRefused("alg_none", [protocol(), `${b64({ ...header, alg: "none" })}.${b64(payload)}.`]);
    await expectRefused("alg_none_lowercase_sig", [protocol(), `${b64({ alg: "None", typ: "JWT" })}.${b64(payload)}.`]);
    await expectHonestConnectWorks();
  });

  it("tampered tenant claim: the payload switched to another tenant, signature kept", async () => {
    const [h, , s] = user.idToken.split(".");
    const payload = { ...decodeClaims(user.idToken), "custom:tenantId": otherTenantUser.tenantId };
    await expectRefused("tampered_tenant_claim", [protocol(), `${h}.${b64(payload)}.${s}`]);
    const subSwap = { ...decodeClaims(user.idToken), sub: otherTenantUser.sub };
    await expectRefused("tampered_sub_claim", [protocol(), `${h}.${b64(subSwap)}.${s}`]);
    await expectHonestConnectWorks();
  });

  it("access token instead of the ID token (a real Cognito access token)", async () => {
    await expectRefused("access_token", [protocol(), user.accessToken]);
    await expectHonestConnectWorks();
  });

  it("ID token of another app client of the same pool (a real Cognito token)", async () => {
    const h = harness();
    const created = await h.stack.cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: h.stack.outputs.userPoolId,
        ClientName: `rt-other-client-${Date.now()}`,
        GenerateSecret: false,
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      }),
    );
    const clientId = created.UserPoolClient?.ClientId;
    expect(clientId).toBeDefined();
    try {
      const tokens = await signIn(h.stack, user.username, user.password, clientId);
      expect(decodeClaims(tokens.idToken).aud).toBe(clientId);
      await expectRefused("other_client", [protocol(), tokens.idToken]);
    } finally {
      await h.stack.cognito
        .send(new DeleteUserPoolClientCommand({ UserPoolId: h.stack.outputs.userPoolId, ClientId: clientId }))
        .catch(() => undefined);
    }
    await expectHonestConnectWorks();
  });

  it("unknown tenant: a real user whose custom:tenantId is not a configured tenant", async () => {
    const h = harness();
    const stranger = await h.users.create("rt-unknown-tenant", "tok-unknown", 0);
    await expectRefused("unknown_tenant", [protocol(), stranger.idToken]);
    await expectHonestConnectWorks();
  });

  it("token in the URL instead of the subprotocol (alone, and next to a valid subprotocol token)", async () => {
    await expectRefused("token_in_url", [protocol()], { query: `token=${user.idToken}` });
    await expectRefused("token_in_url_other_key", [protocol()], { query: `auth=${user.idToken}` });
    await expectRefused("token_in_url_and_header", [protocol(), user.idToken], { query: `id_token=${user.idToken}` });
    await expectHonestConnectWorks();
  });

  it("a tenant offered in the URL or in headers is ignored: the identity is the verified token's (I1)", async () => {
    const h = harness();
    const [own, other] = h.stack.tenants;
    const connection = await StackConnection.open(h.stack.outputs.webSocketUrl, [protocol(), user.idToken], user, {
      query: `tenantId=${other.id}&tenant=${other.id}&custom%3AtenantId=${other.id}`,
      headers: { "X-Tenant-Id": other.id, tenantId: other.id, "X-Amz-Tenant": other.id },
    });
    const answer = await connection.ask("What is the return policy?");
    h.tally.attack("tokens/tenant_in_url_and_headers");
    expect(answer.outcome).toBe("done");
    expect(answer.text).toContain(`within ${own.returnPolicyDays} days`);
    expect(answer.text).not.toContain(`within ${other.returnPolicyDays} days`);
    await connection.close();
  });

  it("missing, garbled or misplaced tokens", async () => {
    await expectRefused("no_subprotocol", []);
    await expectRefused("app_protocol_only", [protocol()]);
    await expectRefused("garbage_token", [protocol(), "not-a-jwt"]);
    await expectRefused("token_first", [user.idToken, protocol()]);
    await expectRefused("wrong_app_protocol", ["other.v9", user.idToken]);
    await expectRefused("two_tokens", [protocol(), user.idToken, otherTenantUser.idToken]);
    await expectHonestConnectWorks();
  });

  localIt("expired, wrong issuer, no tenant, no expiry: genuinely signed by the local issuer's key, still refused", async () => {
    const t = now();
    await expectRefused("expired", [protocol(), reissueLocally(user.idToken, { iat: t - 7200, auth_time: t - 7200, exp: t - 60 })]);
    await expectRefused("wrong_issuer", [protocol(), reissueLocally(user.idToken, { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_evil" })]);
    await expectRefused("missing_tenant_claim", [protocol(), reissueLocally(user.idToken, { "custom:tenantId": undefined })]);
    await expectRefused("signed_unknown_tenant", [protocol(), reissueLocally(user.idToken, { "custom:tenantId": "tenant-x" })]);
    await expectRefused("no_expiry", [protocol(), reissueLocally(user.idToken, { exp: undefined })]);
    await expectRefused("no_issued_at", [protocol(), reissueLocally(user.idToken, { iat: undefined })]);
    await expectRefused("token_use_access", [protocol(), reissueLocally(user.idToken, { token_use: "access" })]);
    // The same signing path with the real claims is accepted: the refusals above are about the claims.
    const control = reissueLocally(user.idToken, { iat: t, exp: t + 600 });
    const connection = await StackConnection.open(harness().stack.outputs.webSocketUrl, [protocol(), control], user);
    await connection.ping();
    await connection.close();
    await expectHonestConnectWorks();
  });

  it("nothing of another user reached any connection", () => {
    expect(harness().leaks()).toEqual([]);
  });
});
