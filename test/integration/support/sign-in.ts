/**
 * Real sign-in through the Cognito API: USER_PASSWORD_AUTH, answering
 * NEW_PASSWORD_REQUIRED on the first sign-in. The permanent password is derived from the
 * initial one, so every test file (and a rerun against the same stack) can sign in.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
} from "@aws-sdk/client-cognito-identity-provider";
import { createHash } from "node:crypto";
import type { StackOutputs } from "../../../scripts/stack-outputs";

export interface SignedInUser {
  username: string;
  tenantId: string;
  sub: string;
  idToken: string;
  accessToken: string;
}

const clients = new Map<string, CognitoIdentityProviderClient>();

export function cognitoClient(outputs: StackOutputs): CognitoIdentityProviderClient {
  const key = `${outputs.region}|${outputs.endpoints?.cognito ?? ""}`;
  let client = clients.get(key);
  if (!client) {
    client = new CognitoIdentityProviderClient({
      region: outputs.region,
      ...(outputs.endpoints?.cognito ? { endpoint: outputs.endpoints.cognito, credentials: { accessKeyId: "none", secretAccessKey: "none" } } : {}),
    });
    clients.set(key, client);
  }
  return client;
}

/** The permanent password the tests set at first sign-in (policy-compliant, deterministic). */
export function permanentPassword(initialPassword: string): string {
  return `Perm-${createHash("sha256").update(initialPassword).digest("base64url").slice(0, 20)}-9aZ`;
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const [, payload] = token.split(".");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

async function passwordAuth(outputs: StackOutputs, username: string, password: string) {
  return cognitoClient(outputs).send(
    new InitiateAuthCommand({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: outputs.userPoolClientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}

const cache = new Map<string, SignedInUser>();

export async function signIn(outputs: StackOutputs, username: string, options: { fresh?: boolean } = {}): Promise<SignedInUser> {
  const cached = cache.get(username);
  if (cached && !options.fresh) return cached;
  const initial = outputs.initialPasswords[username];
  if (initial === undefined) throw new Error(`no initial password for ${username} in the stack outputs`);
  const permanent = permanentPassword(initial);
  let result: AuthenticationResultType | undefined;
  try {
    const first = await passwordAuth(outputs, username, initial);
    if (first.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      const answered = await cognitoClient(outputs).send(
        new RespondToAuthChallengeCommand({
          ClientId: outputs.userPoolClientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: first.Session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: permanent },
        }),
      );
      result = answered.AuthenticationResult;
    } else {
      result = first.AuthenticationResult;
    }
  } catch (error) {
    // Already changed (another test file signed in first): use the permanent password.
    if (!(error instanceof NotAuthorizedException)) throw error;
    result = (await passwordAuth(outputs, username, permanent)).AuthenticationResult;
  }
  if (!result?.IdToken || !result.AccessToken) throw new Error(`sign-in of ${username} returned no tokens`);
  const claims = decodeJwtPayload(result.IdToken);
  const user: SignedInUser = {
    username,
    tenantId: String(claims["custom:tenantId"]),
    sub: String(claims.sub),
    idToken: result.IdToken,
    accessToken: result.AccessToken,
  };
  cache.set(username, user);
  return user;
}
