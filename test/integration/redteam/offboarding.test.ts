/**
 * Red team: offboarding (I17). A user disabled, signed out globally or deleted in
 * Cognito (by the operator's own calls here, as the console or the AWS CLI would make
 * them) loses their open socket, cannot open a new one or be served an ask with a token
 * issued before, and cannot refresh or sign in; a bystander of another tenant is served
 * throughout, and a user signed out (not disabled) who signs in again is served again.
 * Prints the time from the Cognito call to the socket's close and to the last answered
 * frame (a measurement, not an assertion beyond the 5-second bound of I17). In-band
 * renewal (T43): an old token of a disabled (then re-enabled) user and another user's token
 * renew nothing and close the socket; fresh tokens of the rightful owners still do.
 */
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { PROJECT } from "../../../infra/config";
import { stackNames } from "../../../infra/naming";
import { publicCognitoClient } from "../../../scripts/stack-client/sign-in";
import { UpgradeRefusedError, type StackConnection } from "../../../scripts/stack-client/ws-client";
import type { TestUser } from "../../support/stack/test-users";
import { useHarness } from "./support/harness";
import { refusalOf } from "../../support/refusal";

jest.setTimeout(90_000);

/** I17's bound: offboarding ends access within this many milliseconds. */
const BOUND_MS = 5000;
const USER_INDEX = stackNames(PROJECT, "any", "us-east-1").connectionsUserIndex;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let victims: TestUser[] = [];
let bystander: TestUser;
const harness = useHarness("offboarding", async (h) => {
  const [t1, t2] = h.stack.tenants;
  victims = [
    await h.users.create(t1.id, "off-disabled", 1),
    await h.users.create(t1.id, "off-signed-out", 0),
    await h.users.create(t1.id, "off-deleted", 0),
    await h.users.create(t1.id, "off-reenabled", 1),
  ];
  bystander = await h.users.create((t2 ?? t1).id, "off-bystander", 1);
});

async function refreshTokenOf(user: TestUser): Promise<string> {
  const cognito = publicCognitoClient(harness().stack.outputs);
  try {
    const result = await cognito.send(
      new InitiateAuthCommand({
        ClientId: harness().stack.outputs.userPoolClientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
      }),
    );
    const token = result.AuthenticationResult?.RefreshToken;
    if (!token) throw new Error("no refresh token");
    return token;
  } finally {
    cognito.destroy();
  }
}

async function refresh(refreshToken: string): Promise<string> {
  const cognito = publicCognitoClient(harness().stack.outputs);
  try {
    const result = await cognito.send(
      new InitiateAuthCommand({ ClientId: harness().stack.outputs.userPoolClientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } }),
    );
    return result.AuthenticationResult?.IdToken ?? "";
  } finally {
    cognito.destroy();
  }
}

async function passwordSignIn(user: TestUser): Promise<string> {
  const cognito = publicCognitoClient(harness().stack.outputs);
  try {
    const result = await cognito.send(
      new InitiateAuthCommand({
        ClientId: harness().stack.outputs.userPoolClientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
      }),
    );
    return result.AuthenticationResult?.IdToken ?? "";
  } finally {
    cognito.destroy();
  }
}

async function recordCount(user: TestUser): Promise<number> {
  const h = harness();
  const result = await h.stack.dynamo.send(
    new QueryCommand({
      TableName: h.stack.outputs.connectionsTableName,
      IndexName: USER_INDEX,
      KeyConditionExpression: "userId = :u",
      ExpressionAttributeValues: { ":u": user.sub },
    }),
  );
  return result.Items?.length ?? 0;
}

/**
 * The user's connection records once they are gone, or what is left when `deadline` (epoch
 * ms) passes: the offboarding function hangs up first and forgets the record after, so the
 * client may see its socket close a moment before the record is deleted (I17's bound covers both).
 */
async function recordCountBy(user: TestUser, deadline: number): Promise<number> {
  for (;;) {
    const count = await recordCount(user);
    if (count === 0 || Date.now() >= deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expectRefusedUpgrade(user: TestUser, idToken: string): Promise<void> {
  await expect(harness().connect({ ...user, idToken })).rejects.toBeInstanceOf(UpgradeRefusedError);
}

/**
 * Asks on `connection` back to back from now on; resolves with the time of the last frame
 * of an answer that completed, once the connection is closed or an ask is refused.
 */
function askUntilRefused(connection: StackConnection): { stop: () => void; lastAnsweredAt: Promise<number | undefined> } {
  let stopped = false;
  const lastAnsweredAt = (async () => {
    let last: number | undefined;
    while (!stopped && connection.isOpen) {
      try {
        const answer = await connection.ask("What is the return policy?", { timeoutMs: 10_000 });
        if (answer.outcome !== "done") break;
        last = Date.now();
      } catch {
        break;
      }
    }
    return last;
  })();
  return { stop: () => (stopped = true), lastAnsweredAt };
}

/** Runs `offboardingCall` against `victim` with an open, busy socket; returns the measured times. */
async function offboardWhileAsking(victim: TestUser, offboardingCall: () => Promise<unknown>): Promise<{ closeMs: number; lastAnswerMs: number }> {
  const h = harness();
  const connection = await h.connect(victim);
  expect((await connection.ask("What is the return policy?")).outcome).toBe("done");
  const asking = askUntilRefused(connection);
  await sleep(300);
  const t0 = Date.now();
  await offboardingCall();
  await Promise.race([connection.closed(BOUND_MS + 5000), sleep(BOUND_MS + 5000)]);
  const closedAt = Date.now();
  asking.stop();
  const last = await asking.lastAnsweredAt;
  expect(connection.isOpen).toBe(false);
  return { closeMs: closedAt - t0, lastAnswerMs: last === undefined ? 0 : Math.max(0, last - t0) };
}

describe("offboarding ends access within 5 seconds (I17)", () => {
  it("a disabled user: open socket closed, record gone, no new socket with the old token, no refresh, no sign-in; others are served", async () => {
    const h = harness();
    const victim = victims[0];
    const refreshToken = await refreshTokenOf(victim);
    const other = await h.connect(bystander);
    const { closeMs, lastAnswerMs } = await offboardWhileAsking(victim, () =>
      h.stack.cognito.send(new AdminDisableUserCommand({ UserPoolId: h.stack.outputs.userPoolId, Username: victim.username })),
    );
    process.stdout.write(`offboarding: AdminDisableUser → socket closed ${closeMs} ms, last answered frame +${lastAnswerMs} ms\n`);
    expect(closeMs).toBeLessThan(BOUND_MS);
    expect(await recordCountBy(victim, Date.now() + BOUND_MS - closeMs)).toBe(0);
    await expectRefusedUpgrade(victim, victim.idToken);
    expect(await refusalOf(refresh(refreshToken))).toMatchObject({ name: "NotAuthorizedException", message: "User is disabled." });
    expect(await refusalOf(passwordSignIn(victim))).toMatchObject({ name: "NotAuthorizedException", message: "User is disabled." });
    h.tally.attack("offboarding: disabled user: open socket, new socket, refresh, sign-in", 4);
    // The legitimate path: another tenant's user, connected all along, is still served.
    expect((await other.ask("What is the return policy?")).outcome).toBe("done");
  });

  it("a user signed out globally: socket closed, old token refused, refresh refused; a fresh sign-in is served again", async () => {
    const h = harness();
    const victim = victims[1];
    const refreshToken = await refreshTokenOf(victim);
    const { closeMs, lastAnswerMs } = await offboardWhileAsking(victim, () =>
      h.stack.cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: h.stack.outputs.userPoolId, Username: victim.username })),
    );
    process.stdout.write(`offboarding: AdminUserGlobalSignOut → socket closed ${closeMs} ms, last answered frame +${lastAnswerMs} ms\n`);
    expect(closeMs).toBeLessThan(BOUND_MS);
    await expectRefusedUpgrade(victim, victim.idToken);
    expect(await refusalOf(refresh(refreshToken))).toMatchObject({ name: "NotAuthorizedException" });
    h.tally.attack("offboarding: signed-out user: open socket, new socket, refresh", 3);
    // Tokens issued after the sign-out second are not revoked.
    await sleep(1100);
    const fresh = await passwordSignIn(victim);
    const again = await h.connect({ ...victim, idToken: fresh });
    expect((await again.ask("What is the return policy?")).outcome).toBe("done");
  });

  it("a deleted user (the event cannot name them any more): socket closed, old token refused", async () => {
    const h = harness();
    const victim = victims[2];
    const { closeMs } = await offboardWhileAsking(victim, async () => {
      await h.stack.cognito.send(new AdminDeleteUserCommand({ UserPoolId: h.stack.outputs.userPoolId, Username: victim.username }));
      h.users.forgetDeleted(victim.username);
    });
    process.stdout.write(`offboarding: AdminDeleteUser → socket closed ${closeMs} ms\n`);
    expect(closeMs).toBeLessThan(BOUND_MS);
    await expectRefusedUpgrade(victim, victim.idToken);
    h.tally.attack("offboarding: deleted user: open socket, new socket", 2);
  });

  it("in-band renewal (T43): a disabled user's old token renews nothing, even on a socket opened after re-enabling; another user's token renews nothing", async () => {
    const h = harness();
    const victim = victims[3];
    const oldToken = victim.idToken;
    const pool = h.stack.outputs.userPoolId;
    await h.stack.cognito.send(new AdminDisableUserCommand({ UserPoolId: pool, Username: victim.username }));
    // The offboarding runs asynchronously (EventBridge): wait, within I17's bound, for its record.
    const deadline = Date.now() + BOUND_MS;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      try {
        await (await h.connect({ ...victim, idToken: oldToken })).close();
        await sleep(200);
      } catch (error) {
        refused = error instanceof UpgradeRefusedError;
      }
    }
    expect(refused).toBe(true);
    await h.stack.cognito.send(new AdminEnableUserCommand({ UserPoolId: pool, Username: victim.username }));
    // Tokens issued after the disable second are not revoked (I17).
    await sleep(1100);
    const fresh = await passwordSignIn(victim);
    const connection = await h.connect({ ...victim, idToken: fresh });
    // The old token (issued before the disable) on the user's own, legitimate socket.
    expect(await connection.renew(oldToken)).toMatchObject({ type: "error", code: "session_ended" });
    await connection.closed(BOUND_MS);
    // A bystander's socket offered the (re-enabled) victim's fresh token: another user's token.
    const other = await h.connect(bystander);
    expect(await other.renew(fresh)).toMatchObject({ type: "error", code: "forbidden" });
    await other.closed(BOUND_MS);
    h.tally.attack("offboarding: in-band renewal with an old token, and with another user's token", 2);
    // The legitimate paths: the re-enabled user's fresh token renews and is served; the bystander reconnects and is served.
    const again = await h.connect({ ...victim, idToken: fresh });
    expect((await again.renew(fresh)).type).toBe("renewed");
    expect((await again.ask("What is the return policy?")).outcome).toBe("done");
    const bystanderAgain = await h.connect(bystander);
    expect((await bystanderAgain.ask("What is the return policy?")).outcome).toBe("done");
  });
});
