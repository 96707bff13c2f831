/**
 * The user pool ends sessions as AWS's does (issue item 5; the local Cognito gate adds
 * what cognito-local leaves out): the refresh token of a first sign-in
 * (NEW_PASSWORD_REQUIRED) works; GlobalSignOut answers and refuses the user's refresh and
 * access tokens; RevokeToken refuses the refresh token and the access tokens issued from it.
 * Runs against any stack: on AWS these are the service's own answers.
 */
import {
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  type AuthenticationResultType,
} from "@aws-sdk/client-cognito-identity-provider";
import { permanentPassword, publicCognitoClient } from "../../../scripts/stack-client/sign-in";
import { useHarness } from "./support/harness";
import { refusalOf } from "../../support/refusal";

jest.setTimeout(60_000);

const harness = useHarness("cognito-sessions");

function client() {
  return publicCognitoClient(harness().stack.outputs);
}

async function firstSignIn(label: string): Promise<AuthenticationResultType> {
  const h = harness();
  const pending = await h.users.createAwaitingFirstSignIn(h.stack.tenants[0].id, label);
  const cognito = client();
  try {
    const first = await cognito.send(
      new InitiateAuthCommand({
        ClientId: h.stack.outputs.userPoolClientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: pending.username, PASSWORD: pending.temporaryPassword },
      }),
    );
    expect(first.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const answered = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: h.stack.outputs.userPoolClientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: first.Session,
        ChallengeResponses: { USERNAME: pending.username, NEW_PASSWORD: permanentPassword(pending.temporaryPassword) },
      }),
    );
    if (!answered.AuthenticationResult?.RefreshToken) throw new Error("no refresh token after NEW_PASSWORD_REQUIRED");
    return answered.AuthenticationResult;
  } finally {
    cognito.destroy();
  }
}

async function refresh(refreshToken: string | undefined) {
  const cognito = client();
  try {
    return await cognito.send(
      new InitiateAuthCommand({ ClientId: harness().stack.outputs.userPoolClientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken ?? "" } }),
    );
  } finally {
    cognito.destroy();
  }
}

async function getUser(accessToken: string | undefined) {
  const cognito = client();
  try {
    return await cognito.send(new GetUserCommand({ AccessToken: accessToken }));
  } finally {
    cognito.destroy();
  }
}

it("the refresh token of a first sign-in (after NEW_PASSWORD_REQUIRED) refreshes the session", async () => {
  const result = await firstSignIn("cs-first");
  const refreshed = await refresh(result.RefreshToken);
  expect(refreshed.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  expect((await getUser(refreshed.AuthenticationResult?.AccessToken)).Username).toEqual(expect.any(String));
});

it("GlobalSignOut answers and ends the user's refresh and access tokens", async () => {
  const result = await firstSignIn("cs-global");
  const cognito = client();
  try {
    await expect(cognito.send(new GlobalSignOutCommand({ AccessToken: result.AccessToken }))).resolves.toBeDefined();
  } finally {
    cognito.destroy();
  }
  expect(await refusalOf(refresh(result.RefreshToken))).toMatchObject({ name: "NotAuthorizedException" });
  expect(await refusalOf(getUser(result.AccessToken))).toMatchObject({ name: "NotAuthorizedException" });
  harness().tally.attack("cognito: refresh and access token after GlobalSignOut", 2);
});

it("RevokeToken ends the refresh token and the access tokens issued from it", async () => {
  const result = await firstSignIn("cs-revoke");
  expect((await getUser(result.AccessToken)).Username).toEqual(expect.any(String));
  const cognito = client();
  try {
    await cognito.send(new RevokeTokenCommand({ ClientId: harness().stack.outputs.userPoolClientId, Token: result.RefreshToken }));
  } finally {
    cognito.destroy();
  }
  expect(await refusalOf(refresh(result.RefreshToken))).toMatchObject({ name: "NotAuthorizedException" });
  expect(await refusalOf(getUser(result.AccessToken))).toMatchObject({ name: "NotAuthorizedException" });
  harness().tally.attack("cognito: refresh and access token after RevokeToken", 2);
});
