/**
 * Red team (I8): after a user's whole lifecycle (created with a temporary password, first
 * sign-in, refresh, ask with tenant-scoped credentials minted for them, renewals of the
 * open connection with both ID tokens, sign-out), no
 * function log on the stack holds any of the secrets minted for it, by value: temporary
 * and permanent passwords, ID, access and refresh tokens (and their signatures), the
 * operator's secret key; nor anything shaped like a JWT or an STS session key id (the
 * keys minted per question never leave the functions). Local only: it reads the local
 * stack's log files (`<state dir>/logs/`); on AWS the logs are CloudWatch's.
 */
import { AdminUserGlobalSignOutCommand, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { resolveOutputsPath } from "../../../local/runtime/stack-outputs";
import { permanentPassword, publicCognitoClient, signInFirstTime } from "../../../scripts/stack-client/sign-in";
import { connectAs } from "../../../scripts/stack-client/ws-client";
import { stackIsLocal } from "../../support/stack/outputs";
import { useHarness } from "./support/harness";

jest.setTimeout(60_000);

const IS_LOCAL = stackIsLocal();
const localIt = IS_LOCAL ? it : it.skip;
if (!IS_LOCAL) process.stdout.write("log-secrets: scanning the function logs SKIPPED (local stack only: CloudWatch on AWS)\n");

const harness = useHarness("log-secrets", async (h) => {
  if (!IS_LOCAL) h.tally.skipped("function logs scanned for minted secrets (local only)");
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function functionLogs(): string {
  const dir = join(dirname(resolveOutputsPath()), "logs");
  if (!existsSync(dir)) throw new Error(`no log directory at ${dir}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

localIt("no function log holds a password, token or key minted during a user's lifecycle", async () => {
  const h = harness();
  const pending = await h.users.createAwaitingFirstSignIn(h.stack.tenants[0].id, "ls-secrets");
  const newPassword = permanentPassword(pending.temporaryPassword);
  const { tokens } = await signInFirstTime(h.stack, pending.username, pending.temporaryPassword, newPassword);
  const cognito = publicCognitoClient(h.stack.outputs);
  const signedIn = await cognito.send(
    new InitiateAuthCommand({ ClientId: h.stack.outputs.userPoolClientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: pending.username, PASSWORD: newPassword } }),
  );
  const refreshToken = signedIn.AuthenticationResult?.RefreshToken ?? "";
  const refreshed = await cognito.send(
    new InitiateAuthCommand({ ClientId: h.stack.outputs.userPoolClientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } }),
  );
  cognito.destroy();
  const idToken = refreshed.AuthenticationResult?.IdToken ?? "";
  const connection = await connectAs(h.stack.outputs, { username: pending.username, tenantId: pending.tenantId, sub: pending.sub, idToken });
  // Minting tenant-scoped credentials for this user, and the action group reading with them.
  expect((await connection.ask("What is the return policy?")).outcome).toBe("done");
  // Both ID tokens also pass through the chat function in renewal frames (I2, T43).
  expect((await connection.renew(tokens.idToken)).type).toBe("renewed");
  expect((await connection.renew(idToken)).type).toBe("renewed");
  await h.stack.cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: h.stack.outputs.userPoolId, Username: pending.username }));
  await connection.closed(10_000);
  await sleep(500);

  const secrets: Record<string, string> = {
    "temporary password": pending.temporaryPassword,
    "permanent password": newPassword,
    "first ID token": tokens.idToken,
    "first access token": tokens.accessToken,
    "refresh token": refreshToken,
    "refreshed ID token": idToken,
    "refreshed access token": refreshed.AuthenticationResult?.AccessToken ?? "",
    "operator secret key": h.stack.outputs.adminCredentials?.secretAccessKey ?? "",
  };
  for (const [name, token] of Object.entries({ idToken, firstIdToken: tokens.idToken, accessToken: tokens.accessToken })) secrets[`${name} signature`] = token.split(".")[2] ?? "";
  for (const [name, value] of Object.entries(secrets)) expect([name, value.length >= 16]).toEqual([name, true]);

  const logs = functionLogs();
  // The scan reads real logs: this user's lifecycle is in them (by sub, never by secret).
  expect(logs).toContain(pending.sub);
  const found = Object.entries(secrets).filter(([, value]) => logs.includes(value)).map(([name]) => name);
  h.tally.attack("log-secrets/minted secrets by value", Object.keys(secrets).length);
  expect(found).toEqual([]);
  expect(logs.match(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g) ?? []).toEqual([]);
  expect(logs.match(/\bASIA[A-Z0-9]{16}\b/g) ?? []).toEqual([]);
});
