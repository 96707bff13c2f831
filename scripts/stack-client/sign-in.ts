/**
 * Real sign-in through the Cognito API (USER_PASSWORD_AUTH), as the page signs in, with a
 * first sign-in's NEW_PASSWORD_REQUIRED step. The stack's demo users start in
 * FORCE_CHANGE_PASSWORD: `signInDemoUser` answers that challenge with a permanent password
 * derived from the initial one. It CHANGES the demo user's password, so it is only for a
 * stack the caller booted itself: the ask-latency benchmark's own stack, and the
 * integration suite's through test/support/stack/demo-users.ts (everywhere else tests use
 * per-run users, test-users.ts). A failed call names the user and the operation, never a
 * password.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
} from "@aws-sdk/client-cognito-identity-provider";
import { createHash } from "node:crypto";
import type { StackOutputs } from "../../local/runtime/stack-outputs";
import type { Claims } from "../../local/cognito/test-identity-provider";
import { initialPasswordOf } from "./initial-passwords";
import { redactedCause, stackOperation, StackOperationError } from "./operation-error";

const publicClients = new Map<string, CognitoIdentityProviderClient>();

/** Cognito as the page calls it (sign-in needs no AWS credentials); one per endpoint. */
export function publicCognitoClient(outputs: StackOutputs): CognitoIdentityProviderClient {
  const key = `${outputs.region}|${outputs.endpoints?.cognito ?? ""}`;
  let client = publicClients.get(key);
  if (!client) {
    client = new CognitoIdentityProviderClient({
      region: outputs.region,
      ...(outputs.endpoints?.cognito ? { endpoint: outputs.endpoints.cognito, credentials: { accessKeyId: "none", secretAccessKey: "none" } } : {}),
    });
    publicClients.set(key, client);
  }
  return client;
}

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

const INITIATE_AUTH = "sign-in (InitiateAuth USER_PASSWORD_AUTH)";
const NEW_PASSWORD = "first sign-in (RespondToAuthChallenge NEW_PASSWORD_REQUIRED)";

/** The raw call: the SDK error is the caller's to wrap (signInDemoUser tells wrong passwords apart). */
function passwordAuth(target: SignInTarget, username: string, password: string, clientId = target.outputs.userPoolClientId) {
  return target.cognito.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
}

function answerNewPassword(target: SignInTarget, username: string, session: string | undefined, newPassword: string) {
  return stackOperation(
    NEW_PASSWORD,
    username,
    () =>
      target.cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: target.outputs.userPoolClientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
        }),
      ),
    [newPassword],
  );
}

function tokensOf(username: string, result: AuthenticationResultType | undefined, challenge?: string): Tokens {
  if (!result?.IdToken || !result.AccessToken) throw new SignInError(username, challenge);
  return { idToken: result.IdToken, accessToken: result.AccessToken };
}

/** A confirmed user's sign-in (any app client of the pool); a challenge is an error. */
export async function signIn(target: SignInTarget, username: string, password: string, clientId?: string): Promise<Tokens> {
  const result = await stackOperation(INITIATE_AUTH, username, () => passwordAuth(target, username, password, clientId), [password]);
  return tokensOf(username, result.AuthenticationResult, result.ChallengeName);
}

export interface FirstSignIn {
  tokens: Tokens;
  /** The challenge the password sign-in answered with (NEW_PASSWORD_REQUIRED for a new user). */
  challenge: string | undefined;
}

/**
 * A new user's first sign-in as the page does it: the temporary password, then
 * NEW_PASSWORD_REQUIRED answered with `newPassword`. A user without the challenge is
 * signed in all the same; `challenge` tells the caller which path ran.
 */
export async function signInFirstTime(target: SignInTarget, username: string, temporaryPassword: string, newPassword: string): Promise<FirstSignIn> {
  const first = await stackOperation(INITIATE_AUTH, username, () => passwordAuth(target, username, temporaryPassword), [temporaryPassword, newPassword]);
  if (first.ChallengeName !== "NEW_PASSWORD_REQUIRED") return { tokens: tokensOf(username, first.AuthenticationResult, first.ChallengeName), challenge: first.ChallengeName };
  const answered = await answerNewPassword(target, username, first.Session, newPassword);
  return { tokens: tokensOf(username, answered.AuthenticationResult, answered.ChallengeName), challenge: first.ChallengeName };
}

export interface DemoUser extends SignedInUser {
  /** Whether the sign-in that produced these tokens answered NEW_PASSWORD_REQUIRED. */
  firstSignIn: boolean;
}

const demoUsers = new Map<string, DemoUser>();

const isNotAuthorized = (error: unknown) =>
  error instanceof NotAuthorizedException || (error as { name?: string } | undefined)?.name === "NotAuthorizedException";

/**
 * A demo user of the stack configuration (`users`), signed in as the page would, whatever
 * state the account is in; cached per username unless `fresh`. The initial password comes
 * from where the operator's command reads it (initial-passwords.ts), held in memory only
 * (I19). This CHANGES the user's password at its first sign-in: only for a stack the
 * caller booted itself.
 */
export async function signInDemoUser(outputs: StackOutputs, username: string, options: { fresh?: boolean } = {}): Promise<DemoUser> {
  const cached = demoUsers.get(username);
  if (cached && !options.fresh) return cached;
  const initial = await initialPasswordOf(outputs, username);
  const target = { outputs, cognito: publicCognitoClient(outputs) };
  const permanent = permanentPassword(initial);
  const secrets = [initial, permanent];
  let tokens: Tokens;
  let firstSignIn = false;
  let first: Awaited<ReturnType<typeof passwordAuth>> | undefined;
  try {
    first = await passwordAuth(target, username, initial);
  } catch (error) {
    // Already changed (an earlier sign-in of this run): use the permanent password.
    if (!isNotAuthorized(error)) throw wrapped(INITIATE_AUTH, username, error, secrets);
  }
  if (first === undefined) {
    try {
      const again = await passwordAuth(target, username, permanent);
      tokens = tokensOf(username, again.AuthenticationResult, again.ChallengeName);
    } catch (error) {
      if (!isNotAuthorized(error)) throw wrapped(INITIATE_AUTH, username, error, secrets);
      const { name, detail } = redactedCause(error, secrets);
      throw new StackOperationError(
        "demo-user sign-in (InitiateAuth USER_PASSWORD_AUTH, with the initial password and with the one this suite sets at first sign-in)",
        username,
        name,
        detail,
        "its password was changed outside the test suite: the stack is not one the suite booted; use per-run users",
      );
    }
  } else if (first.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    const answered = await answerNewPassword(target, username, first.Session, permanent);
    tokens = tokensOf(username, answered.AuthenticationResult, answered.ChallengeName);
    firstSignIn = true;
  } else {
    tokens = tokensOf(username, first.AuthenticationResult, first.ChallengeName);
  }
  const claims = decodeClaims(tokens.idToken);
  const user: DemoUser = { username, tenantId: String(claims["custom:tenantId"]), sub: String(claims.sub), firstSignIn, ...tokens };
  demoUsers.set(username, user);
  return user;
}

function wrapped(operation: string, username: string, error: unknown, secrets: readonly string[]): StackOperationError {
  if (error instanceof StackOperationError) return error;
  const { name, detail } = redactedCause(error, secrets);
  return new StackOperationError(operation, username, name, detail);
}
