/**
 * `npm run users` against the stack under test (its outputs file): the whole lifecycle of
 * one user, each step observed from outside: the sign-in the page would make, the
 * connection it would open.
 */
import { InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { resolveOutputsPath } from "../../../local/runtime/stack-outputs";
import { permanentPassword, publicCognitoClient, signInFirstTime } from "../../../scripts/stack-client/sign-in";
import { connectAs } from "../../../scripts/stack-client/ws-client";
import { runUsersCli } from "../../../scripts/users";
import type { UserSummary } from "../../../scripts/user-admin";
import { stackOutputs, stackTenants } from "../../support/stack/outputs";
import { connectStack } from "../../support/stack/aws-clients";
import { refusalOf } from "../../support/refusal";

jest.setTimeout(60_000);

const outputs = stackOutputs();
const [tenant] = stackTenants(outputs);
const username = `cli-${Date.now().toString(36)}`;
let added = false;

async function users(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runUsersCli([...argv, "--outputs", resolveOutputsPath()], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function refreshWith(refreshToken: string) {
  const cognito = publicCognitoClient(outputs);
  try {
    return await cognito.send(
      new InitiateAuthCommand({ ClientId: outputs.userPoolClientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } }),
    );
  } finally {
    cognito.destroy();
  }
}

async function passwordSignIn(password: string) {
  const cognito = publicCognitoClient(outputs);
  try {
    return await cognito.send(
      new InitiateAuthCommand({ ClientId: outputs.userPoolClientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );
  } finally {
    cognito.destroy();
  }
}

afterAll(async () => {
  if (added) await users("remove", username);
});

it("add, list, disable, enable, reset-password, sign-out and remove a user (each of disable, sign-out and remove closes a live connection within 5 s); every mistake is named", async () => {
  const add = await users("add", username, "--tenant", tenant.id);
  expect(add.code).toBe(0);
  added = true;
  const temporary = /temporary password \(shown once\): (\S+)/.exec(add.out)?.[1] ?? "";
  expect(temporary.length).toBeGreaterThan(12);

  expect(await users("add", username, "--tenant", tenant.id)).toMatchObject({ code: 1, err: `user "${username}" already exists` });
  expect((await users("add", `${username}-x`, "--tenant", "no-such-tenant")).err).toContain('unknown tenant "no-such-tenant"');
  expect((await users("disable", `${username}-nobody`)).err).toBe(`unknown user "${username}-nobody"`);
  expect((await users("frobnicate")).code).toBe(2);

  const listed = await users("list", "--tenant", tenant.id, "--json");
  const mine = (JSON.parse(listed.out) as UserSummary[]).find((u) => u.username === username);
  expect(mine).toMatchObject({ tenantId: tenant.id, status: "FORCE_CHANGE_PASSWORD", enabled: true });

  // The user signs in (first time) and connects.
  const password = permanentPassword(temporary);
  const stack = connectStack();
  const { tokens } = await signInFirstTime(stack, username, temporary, password);
  const sub = mine?.sub ?? "";
  const connection = await connectAs(outputs, { username, tenantId: tenant.id, sub, idToken: tokens.idToken });
  expect((await connection.ask("What is the return policy?")).outcome).toBe("done");

  const started = Date.now();
  expect((await users("disable", username)).code).toBe(0);
  await connection.closed(5000);
  process.stdout.write(`users CLI: disable → socket closed ${Date.now() - started} ms\n`);
  expect(connection.isOpen).toBe(false);
  expect(await refusalOf(passwordSignIn(password))).toMatchObject({ message: "User is disabled." });

  expect((await users("enable", username)).code).toBe(0);
  await new Promise((r) => setTimeout(r, 1100));
  expect((await passwordSignIn(password)).AuthenticationResult?.IdToken).toEqual(expect.any(String));

  const reset = await users("reset-password", username);
  const again = /temporary password \(shown once\): (\S+)/.exec(reset.out)?.[1] ?? "";
  expect((await passwordSignIn(again)).ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
  const afterReset = permanentPassword(again);
  // reset-password ended the user's sessions: tokens of that second are refused (I17).
  await new Promise((r) => setTimeout(r, 1100));
  await signInFirstTime(stack, username, again, afterReset);

  // sign-out and remove end a live connection too, within I17's 5 s, like disable.
  const signedIn = (await passwordSignIn(afterReset)).AuthenticationResult;
  const beforeSignOut = await connectAs(outputs, { username, tenantId: tenant.id, sub, idToken: signedIn?.IdToken ?? "" });
  expect((await beforeSignOut.ask("What is the return policy?")).outcome).toBe("done");
  const signOutAt = Date.now();
  expect((await users("sign-out", username)).code).toBe(0);
  await beforeSignOut.closed(5000);
  process.stdout.write(`users CLI: sign-out → socket closed ${Date.now() - signOutAt} ms\n`);
  expect(beforeSignOut.isOpen).toBe(false);
  expect(await refusalOf(refreshWith(signedIn?.RefreshToken ?? ""))).toMatchObject({ name: "NotAuthorizedException" });

  // Tokens issued after the sign-out second are not revoked (I17): the user may come back.
  await new Promise((r) => setTimeout(r, 1100));
  const beforeRemove = await connectAs(outputs, { username, tenantId: tenant.id, sub, idToken: (await passwordSignIn(afterReset)).AuthenticationResult?.IdToken ?? "" });
  const removeAt = Date.now();
  expect((await users("remove", username)).code).toBe(0);
  added = false;
  await beforeRemove.closed(5000);
  process.stdout.write(`users CLI: remove → socket closed ${Date.now() - removeAt} ms\n`);
  expect(beforeRemove.isOpen).toBe(false);
  expect((await users("list", "--json")).out).not.toContain(`"${username}"`);
  stack.destroy();
});
