/**
 * Real sign-in through the Cognito API (USER_PASSWORD_AUTH), as the page signs in. The
 * stack's demo users start in FORCE_CHANGE_PASSWORD: their first sign-in answers
 * NEW_PASSWORD_REQUIRED with a permanent password derived from the initial one, so every
 * test file (and a rerun against the same stack) can sign them in.
 */
import {
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { createHash } from "node:crypto";
import type { StackOutputs } from "../../../scripts/stack-outputs";
import type { Claims } from "../jwt-signer";
import { publicCognitoClient } from "./aws-clients";

/** Where to sign in: the stack and the Cognito client to call it with. */
export interface SignInTarget {
  outputs: StackOutputs;
  cognito: CognitoIdentityProviderClient;
}

export interface Tokens {
  idToken: string;
  accessToken: string;
}

export interface SignedInUser extends Tokens {
  username: string;
  tenantId: string;
  sub: string;
}

export class SignInError extends Error {
  readonly code = "sign_in_without_tokens";
  constructor(username: string, challenge: string | undefined) {
    super(`sign-in of ${username} returned no tokens (challenge ${challenge ?? "none"})`);
    this.name = "SignInError";
  }
}

/** The claims of a token, unverified (the tests read what Cognito put there). */
export function decodeClaims(token: string): Claims {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Claims;
}

/** The permanent password set at first sign-in (policy-compliant, deterministic). */
export function permanentPassword(initialPassword: string): string {
  return `Perm-${createHash("sha256").update(initialPassword).digest("base64url").slice(0, 20)}-9aZ`;
}

function passwordAuth(target: SignInTarget, username: string, password: string, clientId = target.outputs.userPoolClientId) {
  return target.cognito.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
}

function tokensOf(username: string, result: AuthenticationResultType | undefined, challenge?: string): Tokens {
  if (!result?.IdToken || !result.AccessToken) throw new SignInError(username, challenge);
  return { idToken: result.IdToken, accessToken: result.AccessToken };
}

/** A confirmed user's sign-in (any app client of the pool); a challenge is an error. */
export async function signIn(target: SignInTarget, username: string, password: string, clientId?: string): Promise<Tokens> {
  const result = await passwordAuth(target, username, password, clientId);
  return tokensOf(username, result.AuthenticationResult, result.ChallengeName);
}

const demoUsers = new Map<string, SignedInUser>();

/**
 * A demo user of the stack outputs (`initialPasswords`), signed in as the page would,
 * whatever state the account is in; cached per username unless `fresh`.
 */
export async function signInDemoUser(outputs: StackOutputs, username: string, options: { fresh?: boolean } = {}): Promise<SignedInUser> {
  const cached = demoUsers.get(username);
  if (cached && !options.fresh) return cached;
  const initial = outputs.initialPasswords[username];
  if (initial === undefined) throw new Error(`no initial password for ${username} in the stack outputs`);
  const target = { outputs, cognito: publicCognitoClient(outputs) };
  const permanent = permanentPassword(initial);
  let tokens: Tokens;
  try {
    const first = await passwordAuth(target, username, initial);
    if (first.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      const answered = await target.cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: outputs.userPoolClientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: first.Session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: permanent },
        }),
      );
      tokens = tokensOf(username, answered.AuthenticationResult, answered.ChallengeName);
    } else {
      tokens = tokensOf(username, first.AuthenticationResult, first.ChallengeName);
    }
  } catch (error) {
    // Already changed (another test file signed in first): use the permanent password.
    if (!(error instanceof NotAuthorizedException)) throw error;
    tokens = await signIn(target, username, permanent);
  }
  const claims = decodeClaims(tokens.idToken);
  const user: SignedInUser = { username, tenantId: String(claims["custom:tenantId"]), sub: String(claims.sub), ...tokens };
  demoUsers.set(username, user);
  return user;
}
