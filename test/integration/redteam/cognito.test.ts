/**
 * Red team: the identity provider itself (I7 and sign-in), over the real SDK
 * against the stack's Cognito endpoint. Each refusal is paired with the honest path
 * still working: a fresh user cannot be taken over with a wrong temporary password (or a
 * made-up challenge session) but completes sign-in with the right one; a wrong password or
 * unknown user gets AWS's one NotAuthorized answer; nobody can sign up; a signed-in user
 * cannot change their own custom:tenantId (the operator cannot either), and their tokens
 * keep the tenant they were given; nobody resets a password without the operator (the
 * pool recovers accounts admin_only); public operations the system does not use are
 * refused; a token signed with cognito-local's public, shipped key opens nothing.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  DeleteUserAttributesCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { randomBytes, randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { resolveOutputsPath } from "../../../local/runtime/stack-outputs";
import { connectStack } from "../../support/stack/aws-clients";
import { stackIsLocal } from "../../support/stack/outputs";
import { decodeClaims, signIn } from "../../../scripts/stack-client/sign-in";
import type { TestUser } from "../../support/stack/test-users";
import { StackConnection, UpgradeRefusedError } from "../../../scripts/stack-client/ws-client";
import { useHarness } from "./support/harness";
import { forgeWithShippedKey } from "./support/local-issuer";

const IS_LOCAL = stackIsLocal();
const localIt = IS_LOCAL ? it : it.skip;

jest.setTimeout(60_000);

const RUN = randomBytes(3).toString("hex");
const strongPassword = (prefix: string) => `${prefix}-${randomBytes(10).toString("base64url")}-9aZ!`;

let confirmed: TestUser;
const harness = useHarness("cognito", async (h) => {
  confirmed = await h.users.create(h.stack.tenants[0].id, "cog-a", 0);
});

/** A client with no credentials: what anyone on the network can call. */
let anonymous: CognitoIdentityProviderClient | undefined;
function anyone(): CognitoIdentityProviderClient {
  const { outputs } = harness().stack;
  anonymous ??= new CognitoIdentityProviderClient({
    region: outputs.region,
    ...(outputs.endpoints?.cognito ? { endpoint: outputs.endpoints.cognito, credentials: { accessKeyId: "none", secretAccessKey: "none" } } : {}),
  });
  return anonymous;
}

/**
 * Users this file creates itself (in FORCE_CHANGE_PASSWORD), removed in afterAll with a
 * client of its own: the harness may already have destroyed its clients by then.
 */
const freshUsers: string[] = [];
afterAll(async () => {
  anonymous?.destroy();
  if (freshUsers.length === 0) return;
  const operator = connectStack();
  try {
    for (const username of freshUsers.splice(0)) {
      await operator.cognito
        .send(new AdminDeleteUserCommand({ UserPoolId: operator.outputs.userPoolId, Username: username }))
        .catch((e: Error) => process.stdout.write(`cleanup of ${username}: ${e.name}\n`));
    }
  } finally {
    operator.destroy();
  }
});

async function createFreshUser(tenantId: string): Promise<{ username: string; temporary: string }> {
  const h = harness();
  const username = `rt-${RUN}-fresh-${randomBytes(3).toString("hex")}`;
  const temporary = strongPassword("Tmp");
  await h.stack.cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: h.stack.outputs.userPoolId,
      Username: username,
      TemporaryPassword: temporary,
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "custom:tenantId", Value: tenantId }],
    }),
  );
  freshUsers.push(username);
  return { username, temporary };
}

const passwordAuth = (username: string, password: string) =>
  anyone().send(
    new InitiateAuthCommand({
      ClientId: harness().stack.outputs.userPoolClientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );

const answerNewPassword = (username: string, session: string | undefined, newPassword: string) =>
  anyone().send(
    new RespondToAuthChallengeCommand({
      ClientId: harness().stack.outputs.userPoolClientId,
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
    }),
  );

/** The error a call fails with (the test fails if it succeeds). */
async function failureOf(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  if (!outcome) throw new Error("the call succeeded but must be refused");
  return { name: outcome.name, message: outcome.message };
}

const userStatus = async (username: string) =>
  (await harness().stack.cognito.send(new AdminGetUserCommand({ UserPoolId: harness().stack.outputs.userPoolId, Username: username }))).UserStatus;

const tenantAttribute = async (username: string) =>
  (await harness().stack.cognito.send(new AdminGetUserCommand({ UserPoolId: harness().stack.outputs.userPoolId, Username: username }))).UserAttributes?.find(
    (a) => a.Name === "custom:tenantId",
  )?.Value;

describe("first sign-in (FORCE_CHANGE_PASSWORD)", () => {
  it("a wrong temporary password cannot take over a fresh user; the right one still works", async () => {
    const h = harness();
    const tenantId = h.stack.tenants[0].id;
    const { username, temporary } = await createFreshUser(tenantId);
    const attackerPassword = strongPassword("Evil");

    h.tally.attack("cognito/wrong-temporary-password");
    expect(await failureOf(passwordAuth(username, strongPassword("Guess")))).toEqual({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
    h.tally.attack("cognito/made-up-challenge-session", 2);
    for (const session of ["made-up", randomUUID()]) {
      expect((await failureOf(answerNewPassword(username, session, attackerPassword))).name).toBe("NotAuthorizedException");
    }
    expect(await userStatus(username)).toBe("FORCE_CHANGE_PASSWORD");
    expect((await failureOf(passwordAuth(username, attackerPassword))).name).toBe("NotAuthorizedException");

    // The owner, with the temporary password the operator gave them.
    const first = await passwordAuth(username, temporary);
    expect(first.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const chosen = strongPassword("Mine");
    const answered = await answerNewPassword(username, first.Session, chosen);
    const idToken = answered.AuthenticationResult?.IdToken;
    expect(idToken).toBeDefined();
    expect(decodeClaims(idToken as string)["custom:tenantId"]).toBe(tenantId);
    expect(await userStatus(username)).toBe("CONFIRMED");
    h.tally.honest();

    // Afterwards: the session is spent, the temporary password is dead, the chosen one works.
    h.tally.attack("cognito/replayed-challenge-session");
    expect((await failureOf(answerNewPassword(username, first.Session, attackerPassword))).name).toBe("NotAuthorizedException");
    expect((await failureOf(passwordAuth(username, temporary))).name).toBe("NotAuthorizedException");
    expect((await passwordAuth(username, chosen)).AuthenticationResult?.IdToken).toBeDefined();
  });
});

describe("password sign-in errors", () => {
  it("a wrong password and an unknown user get the same NotAuthorizedException; the right password signs in", async () => {
    const h = harness();
    h.tally.attack("cognito/wrong-password", 2);
    const incorrect = { name: "NotAuthorizedException", message: "Incorrect username or password." };
    expect(await failureOf(passwordAuth(confirmed.username, `${confirmed.password}x`))).toEqual(incorrect);
    expect(await failureOf(passwordAuth(`rt-${RUN}-nobody-${randomBytes(3).toString("hex")}`, confirmed.password))).toEqual(incorrect);
    expect((await passwordAuth(confirmed.username, confirmed.password)).AuthenticationResult?.AccessToken).toBeDefined();
    h.tally.honest();
  });
});

describe("no self sign-up", () => {
  it("SignUp is refused as AWS refuses it for an operator-only pool, and creates nobody", async () => {
    const h = harness();
    const username = `rt-${RUN}-signup`;
    h.tally.attack("cognito/sign-up");
    expect(
      await failureOf(
        anyone().send(
          new SignUpCommand({
            ClientId: h.stack.outputs.userPoolClientId,
            Username: username,
            Password: strongPassword("Self"),
            UserAttributes: [{ Name: "custom:tenantId", Value: h.stack.tenants[1].id }],
          }),
        ),
      ),
    ).toEqual({ name: "NotAuthorizedException", message: "SignUp is not permitted for this user pool" });
    const lookup = await h.stack.cognito
      .send(new AdminGetUserCommand({ UserPoolId: h.stack.outputs.userPoolId, Username: username }))
      .then(() => "exists", (e: unknown) => (e instanceof UserNotFoundException ? "absent" : String(e)));
    expect(lookup).toBe("absent");
  });

  it("the refusal is an AWS JSON error on the wire: status 400, x-amzn-errortype and __type", async () => {
    const { outputs } = harness().stack;
    if (!outputs.endpoints?.cognito) return; // AWS: the SDK test above covers it
    const response = await fetch(outputs.endpoints.cognito, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.SignUp" },
      body: JSON.stringify({ ClientId: outputs.userPoolClientId, Username: `rt-${RUN}-raw`, Password: strongPassword("Raw") }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("NotAuthorizedException");
    expect(await response.json()).toEqual({ __type: "NotAuthorizedException", message: "SignUp is not permitted for this user pool" });
  });
});

describe("custom:tenantId cannot be changed", () => {
  it("a signed-in user cannot change or delete their own custom:tenantId; their tokens keep the tenant; an allowed attribute still changes", async () => {
    const h = harness();
    const otherTenant = h.stack.tenants[1].id;
    h.tally.attack("cognito/self-update-tenant", 3);
    const update = (name: string, value: string) =>
      anyone().send(new UpdateUserAttributesCommand({ AccessToken: confirmed.accessToken, UserAttributes: [{ Name: name, Value: value }] }));
    expect(await failureOf(update("custom:tenantId", otherTenant))).toEqual({
      name: "NotAuthorizedException",
      message: "A client attempted to write unauthorized attribute",
    });
    // Smuggled next to an allowed attribute: the whole request is refused.
    expect(
      (
        await failureOf(
          anyone().send(
            new UpdateUserAttributesCommand({
              AccessToken: confirmed.accessToken,
              UserAttributes: [
                { Name: "name", Value: "Smuggler" },
                { Name: "custom:tenantId", Value: otherTenant },
              ],
            }),
          ),
        )
      ).name,
    ).toBe("NotAuthorizedException");
    expect(
      (await failureOf(anyone().send(new DeleteUserAttributesCommand({ AccessToken: confirmed.accessToken, UserAttributeNames: ["custom:tenantId"] })))).name,
    ).toBe("NotAuthorizedException");

    expect(await tenantAttribute(confirmed.username)).toBe(confirmed.tenantId);
    const again = await signIn(h.stack, confirmed.username, confirmed.password);
    expect(decodeClaims(again.idToken)["custom:tenantId"]).toBe(confirmed.tenantId);

    // The app client's one writable attribute (as in infra/components/identity.ts) still works.
    await update("name", "Honest Name");
    const me = await anyone().send(new GetUserCommand({ AccessToken: again.accessToken }));
    expect(me.UserAttributes?.find((a) => a.Name === "name")?.Value).toBe("Honest Name");
    expect(me.UserAttributes?.find((a) => a.Name === "custom:tenantId")?.Value).toBe(confirmed.tenantId);
    h.tally.honest();
  });

  it("a token the user did not get from Cognito (forged signature) cannot write attributes", async () => {
    const h = harness();
    h.tally.attack("cognito/forged-access-token");
    const [header, payload] = confirmed.accessToken.split(".");
    const forged = `${header}.${payload}.${Buffer.from("not a signature").toString("base64url")}`;
    expect((await failureOf(anyone().send(new UpdateUserAttributesCommand({ AccessToken: forged, UserAttributes: [{ Name: "name", Value: "Forger" }] })))).name).toBe(
      "NotAuthorizedException",
    );
    expect((await failureOf(anyone().send(new GetUserCommand({ AccessToken: forged })))).name).toBe("NotAuthorizedException");
  });

  it("the operator cannot change it either (immutable attribute); other attributes still change", async () => {
    const h = harness();
    const { userPoolId } = h.stack.outputs;
    h.tally.attack("cognito/admin-update-tenant");
    const refusal = await failureOf(
      h.stack.cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: userPoolId,
          Username: confirmed.username,
          UserAttributes: [{ Name: "custom:tenantId", Value: h.stack.tenants[1].id }],
        }),
      ),
    );
    expect(refusal.name).toBe("InvalidParameterException");
    expect(refusal.message).toContain("custom:tenantId");
    expect(await tenantAttribute(confirmed.username)).toBe(confirmed.tenantId);
    await h.stack.cognito.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: confirmed.username, UserAttributes: [{ Name: "name", Value: "Set By Operator" }] }),
    );
    const got = await h.stack.cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: confirmed.username }));
    expect(got.UserAttributes?.find((a) => a.Name === "name")?.Value).toBe("Set By Operator");
  });
});

describe("no self-service password reset (admin_only account recovery)", () => {
  const confirmReset = (username: string, password: string, code?: string) =>
    anyone().send(
      // The SDK insists on a code; the raw wire test below sends none, as the attacker would.
      new ConfirmForgotPasswordCommand({ ClientId: harness().stack.outputs.userPoolClientId, Username: username, ConfirmationCode: code ?? "000000", Password: password }),
    );

  it("ForgotPassword and ConfirmForgotPassword are refused; the attacker's password never works, the owner's still does", async () => {
    const h = harness();
    const attackerPassword = strongPassword("Attacker");
    const { username: fresh, temporary } = await createFreshUser(h.stack.tenants[1].id);
    h.tally.attack("cognito/forgot-password", 1);
    const forgot = await failureOf(anyone().send(new ForgotPasswordCommand({ ClientId: h.stack.outputs.userPoolClientId, Username: confirmed.username })));
    h.tally.attack("cognito/confirm-forgot-password", 2);
    const confirmedReset = await failureOf(confirmReset(confirmed.username, attackerPassword));
    const freshReset = await failureOf(confirmReset(fresh, attackerPassword, "123456"));
    if (IS_LOCAL) {
      const refusal = { name: "NotAuthorizedException", message: "User password cannot be reset in the current state." };
      expect([forgot, confirmedReset, freshReset]).toEqual([refusal, refusal, refusal]);
    }
    expect((await failureOf(passwordAuth(confirmed.username, attackerPassword))).name).toBe("NotAuthorizedException");
    expect((await failureOf(passwordAuth(fresh, attackerPassword))).name).toBe("NotAuthorizedException");
    expect((await passwordAuth(confirmed.username, confirmed.password)).AuthenticationResult?.IdToken).toBeDefined();
    expect((await passwordAuth(fresh, temporary)).ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    expect(await userStatus(fresh)).toBe("FORCE_CHANGE_PASSWORD");
    h.tally.honest();
  });

  localIt("on the wire: a ConfirmForgotPassword without any code (cognito-local compares undefined with undefined) resets nothing", async () => {
    const h = harness();
    const endpoint = h.stack.outputs.endpoints?.cognito as string;
    const attackerPassword = strongPassword("Attacker");
    h.tally.attack("cognito/confirm-forgot-password-no-code");
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.ConfirmForgotPassword" },
      body: JSON.stringify({ ClientId: h.stack.outputs.userPoolClientId, Username: confirmed.username, Password: attackerPassword }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: "NotAuthorizedException", message: "User password cannot be reset in the current state." });
    expect((await failureOf(passwordAuth(confirmed.username, attackerPassword))).name).toBe("NotAuthorizedException");
    expect((await passwordAuth(confirmed.username, confirmed.password)).AuthenticationResult?.IdToken).toBeDefined();
  });
});

describe("public operations the system does not use", () => {
  localIt("are refused before cognito-local runs them (the user is still there, unchanged); the ones the page uses still work", async () => {
    const h = harness();
    const endpoint = h.stack.outputs.endpoints?.cognito as string;
    const clientId = h.stack.outputs.userPoolClientId;
    const call = (operation: string, body: Record<string, unknown>) =>
      fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${operation}` },
        body: JSON.stringify(body),
      });
    const attempts: [string, Record<string, unknown>][] = [
      ["ConfirmSignUp", { ClientId: clientId, Username: confirmed.username }],
      ["ResendConfirmationCode", { ClientId: clientId, Username: confirmed.username }],
      ["DeleteUser", { AccessToken: confirmed.accessToken }],
      ["VerifyUserAttribute", { AccessToken: confirmed.accessToken, AttributeName: "email" }],
      ["GetUserAttributeVerificationCode", { AccessToken: confirmed.accessToken, AttributeName: "email" }],
      ["AssociateSoftwareToken", { AccessToken: confirmed.accessToken }],
      ["SetUserMFAPreference", { AccessToken: confirmed.accessToken }],
    ];
    h.tally.attack("cognito/unused-public-operation", attempts.length);
    for (const [operation, body] of attempts) {
      const response = await call(operation, body);
      expect({ operation, status: response.status, type: response.headers.get("x-amzn-errortype") }).toEqual({
        operation,
        status: 400,
        type: "NotAuthorizedException",
      });
    }
    expect(await userStatus(confirmed.username)).toBe("CONFIRMED");
    const me = await anyone().send(new GetUserCommand({ AccessToken: confirmed.accessToken }));
    expect(me.Username).toBe(confirmed.username);
    h.tally.honest();
  });
});

describe("tokens signed with cognito-local's shipped key", () => {
  const refusedUpgrade = async (token: string) => {
    const { outputs } = harness().stack;
    const outcome = await StackConnection.open(outputs.webSocketUrl, [outputs.webSocketProtocol, token]).then(
      async (connection) => {
        await connection.close();
        return "connected";
      },
      (error: unknown) => (error instanceof UpgradeRefusedError ? `refused ${error.status}` : String(error)),
    );
    return outcome;
  };

  it("the authorizer refuses one (real claims, or another tenant); the honest token still connects", async () => {
    const h = harness();
    h.tally.attack("cognito/shipped-key-id-token", 2);
    expect(["refused 401", "refused 403"]).toContain(await refusedUpgrade(forgeWithShippedKey(confirmed.idToken)));
    expect(["refused 401", "refused 403"]).toContain(await refusedUpgrade(forgeWithShippedKey(confirmed.idToken, { "custom:tenantId": h.stack.tenants[1].id })));
    const fresh = await signIn(h.stack, confirmed.username, confirmed.password);
    const connection = await StackConnection.open(h.stack.outputs.webSocketUrl, [h.stack.outputs.webSocketProtocol, fresh.idToken], confirmed);
    await connection.ping();
    await connection.close();
    h.tally.honest();
  });

  it("Cognito refuses an access token signed with it; the honest access token still works", async () => {
    const h = harness();
    h.tally.attack("cognito/shipped-key-access-token");
    const forged = forgeWithShippedKey(confirmed.accessToken);
    expect((await failureOf(anyone().send(new GetUserCommand({ AccessToken: forged })))).name).toBe("NotAuthorizedException");
    expect((await anyone().send(new GetUserCommand({ AccessToken: confirmed.accessToken }))).Username).toBe(confirmed.username);
  });

  localIt("the pool's JWKS publishes the key the tokens are signed with, never cognito-local's", async () => {
    const { outputs } = harness().stack;
    const jwks = (await (await fetch(`${outputs.endpoints?.cognito}/${outputs.userPoolId}/.well-known/jwks.json`)).json()) as { keys: { kid: string; n: string }[] };
    const kid = JSON.parse(Buffer.from(confirmed.idToken.split(".")[0], "base64url").toString("utf8")).kid as string;
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid]);
    expect(kid).not.toBe("CognitoLocal");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shipped = require("cognito-local/lib/keys/cognitoLocal.public.json") as { jwk: { n: string } };
    expect(jwks.keys.map((k) => k.n)).not.toContain(shipped.jwk.n);
  });
});

describe("local state is owner-only", () => {
  localIt("the state directory, cognito-local's database and the token-signing key are not readable by others", () => {
    const { outputs } = harness().stack;
    const stateDir = dirname(resolveOutputsPath());
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    expect({
      stateDir: mode(stateDir),
      cognito: mode(join(stateDir, "cognito")),
      db: mode(join(stateDir, "cognito", ".cognito", "db")),
      logs: mode(join(stateDir, "logs")),
      key: mode(outputs.localTokenSigningKeyFile as string),
    }).toEqual({ stateDir: "700", cognito: "700", db: "700", logs: "700", key: "600" });
  });
});
