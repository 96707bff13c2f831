/**
 * The operator's user lifecycle over a stack (the `npm run users` CLI is its command
 * line): list, add, disable, enable, remove, reset-password, sign-out. Works on any stack
 * through its outputs: locally with the outputs file's admin keys and endpoints, on AWS
 * with the operator's own credential chain. Every call that ends a user's access also
 * invokes the offboarding function directly (I17), so the 5-second bound does not wait
 * for CloudTrail's best-effort delivery; the function is idempotent, so the event that
 * follows changes nothing more.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  ListUsersCommand,
  type UserType,
} from "@aws-sdk/client-cognito-identity-provider";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { randomBytes } from "node:crypto";
import { TENANT_ID_ATTRIBUTE } from "../infra/user-pool-settings";
import type { OperatorClients } from "./operator-clients";

export type UserAdminContext = Pick<OperatorClients, "outputs" | "cognito">;

/** A user as `list` shows it. */
export interface UserSummary {
  username: string;
  tenantId: string | undefined;
  sub: string | undefined;
  status: string;
  enabled: boolean;
}

export class UserAdminError extends Error {
  constructor(
    readonly code: "unknown_user" | "unknown_tenant" | "username_exists" | "bad_username" | "offboarding_failed",
    message: string,
  ) {
    super(message);
    this.name = "UserAdminError";
  }
}

/** Cognito usernames here: what the demo and the tests use, and nothing that needs quoting. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * A temporary password that satisfies the pool's policy (infra/user-pool-settings.ts):
 * upper, lower, digit and symbol whatever the random part holds.
 */
export function newTemporaryPassword(): string {
  return `Tmp-${randomBytes(12).toString("base64url")}-7aZ`;
}

const isNotFound = (error: unknown) => (error as { name?: string }).name === "UserNotFoundException";

function summary(user: UserType): UserSummary {
  const attribute = (name: string) => (user.Attributes ?? []).find((a) => a.Name === name)?.Value;
  return {
    username: user.Username ?? "",
    tenantId: attribute(TENANT_ID_ATTRIBUTE.attributeName),
    sub: attribute("sub"),
    status: user.UserStatus ?? "UNKNOWN",
    enabled: user.Enabled !== false,
  };
}

/** Every user of the pool (all pages), optionally of one tenant, sorted by username. */
export async function listUsers(c: UserAdminContext, tenantId?: string): Promise<UserSummary[]> {
  if (tenantId !== undefined) checkTenant(c, tenantId);
  const users: UserSummary[] = [];
  let token: string | undefined;
  do {
    const page = await c.cognito.send(new ListUsersCommand({ UserPoolId: c.outputs.userPoolId, PaginationToken: token }));
    users.push(...(page.Users ?? []).map(summary));
    token = page.PaginationToken;
  } while (token);
  return users.filter((u) => tenantId === undefined || u.tenantId === tenantId).sort((a, b) => a.username.localeCompare(b.username));
}

function checkTenant(c: UserAdminContext, tenantId: string): void {
  const known = Object.keys(c.outputs.ordersTableNames);
  if (!known.includes(tenantId)) throw new UserAdminError("unknown_tenant", `unknown tenant "${tenantId}" (tenants of this stack: ${known.join(", ")})`);
}

/** The user's sub, or an UnknownUser error naming them. */
export async function subOf(c: UserAdminContext, username: string): Promise<string> {
  try {
    const user = await c.cognito.send(new AdminGetUserCommand({ UserPoolId: c.outputs.userPoolId, Username: username }));
    const sub = user.UserAttributes?.find((a) => a.Name === "sub")?.Value;
    if (!sub) throw new UserAdminError("unknown_user", `user "${username}" has no sub`);
    return sub;
  } catch (error) {
    if (isNotFound(error)) throw new UserAdminError("unknown_user", `unknown user "${username}"`);
    throw error;
  }
}

/** Creates a user of a configured tenant in FORCE_CHANGE_PASSWORD; returns the temporary password (shown once). */
export async function addUser(c: UserAdminContext, username: string, tenantId: string): Promise<{ temporaryPassword: string; sub: string }> {
  if (!USERNAME_PATTERN.test(username)) {
    throw new UserAdminError("bad_username", `username "${username.slice(0, 80)}" must be 1-63 of a-z, 0-9, ".", "_", "-", starting with a letter or digit`);
  }
  checkTenant(c, tenantId);
  const temporaryPassword = newTemporaryPassword();
  try {
    const created = await c.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: c.outputs.userPoolId,
        Username: username,
        TemporaryPassword: temporaryPassword,
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: TENANT_ID_ATTRIBUTE.attributeName, Value: tenantId }],
      }),
    );
    const sub = created.User?.Attributes?.find((a) => a.Name === "sub")?.Value ?? (await subOf(c, username));
    return { temporaryPassword, sub };
  } catch (error) {
    if ((error as { name?: string }).name === "UsernameExistsException") throw new UserAdminError("username_exists", `user "${username}" already exists`);
    throw error;
  }
}

/** The offboarding function's name on this stack (docs/architecture.md §Stack outputs). */
function offboardingFunction(c: UserAdminContext): string | undefined {
  return c.outputs.offboardingFunctionName;
}

/**
 * Runs the offboarding function for `sub` now (RequestResponse), with the operator's
 * credentials. Without the function in the outputs (an older stack) the EventBridge rule
 * remains the only path, and the caller is told so.
 */
export async function offboardNow(c: UserAdminContext, sub: string, lambda?: LambdaClient): Promise<"done" | "no_function"> {
  const functionName = offboardingFunction(c);
  if (!functionName) return "no_function";
  const client =
    lambda ??
    new LambdaClient({
      region: c.outputs.region,
      endpoint: c.outputs.endpoints?.lambda,
      ...(c.outputs.adminCredentials ? { credentials: { accessKeyId: c.outputs.adminCredentials.accessKeyId, secretAccessKey: c.outputs.adminCredentials.secretAccessKey } } : {}),
    });
  try {
    const result = await client.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify({ offboard: { userId: sub } })) }),
    );
    if (result.FunctionError) throw new UserAdminError("offboarding_failed", `the offboarding function failed (${result.FunctionError}); the EventBridge rule will retry`);
    return "done";
  } finally {
    if (!lambda) client.destroy();
  }
}

async function adminCall(c: UserAdminContext, username: string, send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (isNotFound(error)) throw new UserAdminError("unknown_user", `unknown user "${username}"`);
    throw error;
  }
}

const pool = (c: UserAdminContext) => c.outputs.userPoolId;

export async function disableUser(c: UserAdminContext, username: string, lambda?: LambdaClient): Promise<"done" | "no_function"> {
  const sub = await subOf(c, username);
  await adminCall(c, username, () => c.cognito.send(new AdminDisableUserCommand({ UserPoolId: pool(c), Username: username })));
  return offboardNow(c, sub, lambda);
}

export async function enableUser(c: UserAdminContext, username: string): Promise<void> {
  await adminCall(c, username, () => c.cognito.send(new AdminEnableUserCommand({ UserPoolId: pool(c), Username: username })));
}

export async function removeUser(c: UserAdminContext, username: string, lambda?: LambdaClient): Promise<"done" | "no_function"> {
  const sub = await subOf(c, username);
  await adminCall(c, username, () => c.cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool(c), Username: username })));
  return offboardNow(c, sub, lambda);
}

export async function signOutUser(c: UserAdminContext, username: string, lambda?: LambdaClient): Promise<"done" | "no_function"> {
  const sub = await subOf(c, username);
  await adminCall(c, username, () => c.cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool(c), Username: username })));
  return offboardNow(c, sub, lambda);
}

/** A new temporary password (FORCE_CHANGE_PASSWORD again); the user's sessions are ended too. */
export async function resetPassword(c: UserAdminContext, username: string, lambda?: LambdaClient): Promise<{ temporaryPassword: string; offboarding: "done" | "no_function" }> {
  const sub = await subOf(c, username);
  const temporaryPassword = newTemporaryPassword();
  await adminCall(c, username, () =>
    c.cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool(c), Username: username, Password: temporaryPassword, Permanent: false })),
  );
  await adminCall(c, username, () => c.cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool(c), Username: username })));
  return { temporaryPassword, offboarding: await offboardNow(c, sub, lambda) };
}
