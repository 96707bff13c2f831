/**
 * Red team: the in-band renewal (`renew` frame, I2, T43). The owner's fresh token keeps a
 * connection served after the token it opened with has expired; a renewal carrying
 * another user's token is refused and the socket closed, and that other user is
 * untouched; an old token of a user signed out globally (I17) renews nothing. Real
 * tokens from the stack's Cognito, real sockets; the short-lived opening token is signed
 * with the local issuer's key (local only, see support/local-issuer.ts).
 */
import { AdminUserGlobalSignOutCommand } from "@aws-sdk/client-cognito-identity-provider";
import { decodeClaims, signIn } from "../../../scripts/stack-client/sign-in";
import { StackConnection } from "../../../scripts/stack-client/ws-client";
import { stackIsLocal } from "../../support/stack/outputs";
import type { TestUser } from "../../support/stack/test-users";
import { useHarness } from "./support/harness";
import { reissueLocally } from "./support/local-issuer";

jest.setTimeout(60_000);

const IS_LOCAL = stackIsLocal();
const localIt = IS_LOCAL ? it : it.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let owner: TestUser;
let sameTenant: TestUser;
let signedOut: TestUser;
let otherTenant: TestUser | undefined;
const harness = useHarness("renewal", async (h) => {
  const [t1, t2] = h.stack.tenants;
  owner = await h.users.create(t1.id, "rn-owner", 1);
  sameTenant = await h.users.create(t1.id, "rn-other", 1);
  signedOut = await h.users.create(t1.id, "rn-signed-out", 0);
  if (t2) otherTenant = await h.users.create(t2.id, "rn-other-tenant", 1);
  if (!IS_LOCAL) h.tally.skipped("renewal past the opening token's expiry (local only)");
});

/** Resolves once the server closed `connection` (or rejects after `ms`). */
async function closedByServer(connection: StackConnection, ms = 5000): Promise<void> {
  await connection.closed(ms);
  expect(connection.isOpen).toBe(false);
}

describe("the renew frame (I2, T43)", () => {
  localIt("a renewal with the owner's fresh token is served after the first token expired", async () => {
    const h = harness();
    const now = Math.floor(Date.now() / 1000);
    // What Cognito would issue with a 4-second ID-token lifetime (local issuer key).
    const shortLived = reissueLocally(owner.idToken, { iat: now, auth_time: now, exp: now + 4 });
    const connection = await StackConnection.open(h.stack.outputs.webSocketUrl, [h.stack.outputs.webSocketProtocol, shortLived], owner);
    const fresh = await signIn(h.stack, owner.username, owner.password);
    const renewed = await connection.renew(fresh.idToken);
    expect(renewed).toEqual({ type: "renewed", expiresAt: decodeClaims(fresh.idToken).exp });
    await sleep(Math.max(0, (now + 5) * 1000 - Date.now()));
    const answer = await connection.ask("What is the return policy?");
    expect(answer.outcome).toBe("done");
    h.tally.honest(2);
    // The same socket without the renewal would have been refused: the stale-state file's
    // "ask gets token_expired" shows it for an identical short-lived token.
    await connection.close();
  });

  it("a renewal carrying another user's token is refused and the socket closed; that user is untouched", async () => {
    const h = harness();
    const attacker = await h.connect(owner);
    const victim = await h.connect(sameTenant);
    const refused = await attacker.renew(sameTenant.idToken);
    expect(refused).toMatchObject({ type: "error", code: "forbidden" });
    expect(JSON.stringify(refused)).not.toContain(sameTenant.idToken.split(".")[2]);
    await closedByServer(attacker);
    h.tally.attack("renewal: another user's token", 1);
    // The victim's socket and the attacker's own fresh connection are both still served.
    expect((await victim.ask("What is the return policy?")).outcome).toBe("done");
    const again = await h.connect(owner);
    expect((await again.ask("What is the return policy?")).outcome).toBe("done");
    expect((await again.renew(owner.idToken)).type).toBe("renewed");
    h.tally.honest(3);
  });

  it("a token of another tenant's user, and a garbled or access token, renew nothing", async () => {
    const h = harness();
    const other = otherTenant;
    const connection = await h.connect(owner);
    const garbled = await connection.renew(`${owner.idToken.slice(0, -4)}AAAA`);
    expect(garbled).toMatchObject({ type: "error", code: "forbidden" });
    const access = await connection.renew(owner.accessToken);
    expect(access).toMatchObject({ type: "error", code: "forbidden" });
    h.tally.attack("renewal: forged or access token", 2);
    // Neither closed the socket: its own authorization is unchanged.
    expect((await connection.ask("What is the return policy?")).outcome).toBe("done");
    if (other) {
      expect(await connection.renew(other.idToken)).toMatchObject({ type: "error", code: "forbidden" });
      await closedByServer(connection);
      h.tally.attack("renewal: another tenant's token", 1);
    }
  });

  it("an offboarded user's old token renews nothing: session_ended, closed; a fresh token does", async () => {
    const h = harness();
    const oldToken = signedOut.idToken;
    await h.stack.cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: h.stack.outputs.userPoolId, Username: signedOut.username }));
    // Tokens issued after the sign-out second are not revoked (I17).
    await sleep(1100);
    const fresh = await signIn(h.stack, signedOut.username, signedOut.password);
    const connection = await h.connect({ ...signedOut, idToken: fresh.idToken });
    const refused = await connection.renew(oldToken);
    expect(refused).toMatchObject({ type: "error", code: "session_ended" });
    await closedByServer(connection);
    h.tally.attack("renewal: offboarded user's old token", 1);
    const again = await h.connect({ ...signedOut, idToken: fresh.idToken });
    const renewed = await again.renew(fresh.idToken);
    expect(renewed.type).toBe("renewed");
    expect((await again.ask("What is the return policy?")).outcome).toBe("done");
    h.tally.honest(2);
  });

  it("nothing of another user reached any connection", () => {
    expect(harness().leaks()).toEqual([]);
  });
});
