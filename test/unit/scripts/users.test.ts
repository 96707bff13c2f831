/**
 * The users CLI: argument parsing (every mistake named), output, and the lifecycle calls
 * against mocked Cognito and Lambda clients (the stack suite runs it for real).
 */
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  UsernameExistsException,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-jest";
import { formatUsers, parseUsersArgs, runUsersCli, UsersUsageError } from "../../../scripts/users";
import { addUser, disableUser, listUsers, newTemporaryPassword, signOutUser, UserAdminError, type UserAdminContext } from "../../../scripts/user-admin";
import type { StackOutputs } from "../../../local/runtime/stack-outputs";
import { passwordPolicyViolation } from "../../../infra/user-pool-settings";

const SUB = "11111111-1111-4111-8111-111111111111";
const cognito = mockClient(CognitoIdentityProviderClient);
const lambda = mockClient(LambdaClient);
const outputs = {
  region: "us-east-1",
  userPoolId: "us-east-1_Abc123",
  ordersTableNames: { tenant1: "t1", tenant2: "t2" },
  users: {},
  offboardingFunctionName: "mta-dev-offboarding",
} as unknown as StackOutputs;
const ctx = (): UserAdminContext => ({ outputs, cognito: new CognitoIdentityProviderClient({ region: "us-east-1" }) });

beforeEach(() => {
  cognito.reset();
  lambda.reset();
  lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
  cognito.on(AdminGetUserCommand).resolves({ Username: "alice", UserAttributes: [{ Name: "sub", Value: SUB }] });
});

describe("parseUsersArgs", () => {
  it("reads every command", () => {
    expect(parseUsersArgs(["list", "--tenant", "tenant1", "--json"])).toEqual({ command: "list", username: undefined, tenant: "tenant1", json: true, outputs: undefined });
    expect(parseUsersArgs(["add", "alice", "--tenant", "tenant1", "--outputs", "f.json"])).toMatchObject({ command: "add", username: "alice", tenant: "tenant1", outputs: "f.json" });
    for (const command of ["disable", "enable", "remove", "reset-password", "sign-out"]) expect(parseUsersArgs([command, "alice"])).toMatchObject({ command, username: "alice" });
  });

  it.each([
    [[], "expected a command"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["disable"], "disable needs a <username>"],
    [["add", "alice"], "add needs --tenant T"],
    [["list", "alice"], "list takes no username"],
    [["disable", "alice", "bob"], 'unexpected argument "bob"'],
    [["disable", "alice", "--tenant", "t"], "--tenant does not apply to disable"],
    [["disable", "alice", "--json"], "--json applies to list only"],
    [["list", "--tenant"], "--tenant needs a value"],
    [["list", "--frob"], "unknown option --frob"],
  ])("refuses %p: %s", (argv, message) => {
    expect(() => parseUsersArgs(argv as string[])).toThrow(UsersUsageError);
    expect(() => parseUsersArgs(argv as string[])).toThrow(message);
  });
});

describe("the lifecycle calls", () => {
  it("lists every page, filtered by tenant, and refuses an unknown tenant", async () => {
    cognito
      .on(ListUsersCommand)
      .resolvesOnce({ Users: [{ Username: "b", Enabled: false, UserStatus: "CONFIRMED", Attributes: [{ Name: "custom:tenantId", Value: "tenant1" }] }], PaginationToken: "p" })
      .resolvesOnce({ Users: [{ Username: "a", Enabled: true, UserStatus: "CONFIRMED", Attributes: [{ Name: "custom:tenantId", Value: "tenant2" }] }] });
    const all = await listUsers(ctx());
    expect(all.map((u) => u.username)).toEqual(["a", "b"]);
    expect(formatUsers(all)).toContain("disabled");
    await expect(listUsers(ctx(), "tenant9")).rejects.toThrow('unknown tenant "tenant9"');
  });

  it("adds a user of a configured tenant with a policy-compliant temporary password", async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: "sub", Value: SUB }] } });
    const { temporaryPassword } = await addUser(ctx(), "alice", "tenant1");
    expect(passwordPolicyViolation(temporaryPassword)).toBeUndefined();
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, { Username: "alice", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "custom:tenantId", Value: "tenant1" }] });
    expect(passwordPolicyViolation(newTemporaryPassword())).toBeUndefined();
  });

  it("names an existing username, an unknown tenant and a bad username", async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: "exists", $metadata: {} }));
    await expect(addUser(ctx(), "alice", "tenant1")).rejects.toThrow('user "alice" already exists');
    await expect(addUser(ctx(), "alice", "tenant9")).rejects.toThrow('unknown tenant "tenant9"');
    await expect(addUser(ctx(), "Alice Smith", "tenant1")).rejects.toBeInstanceOf(UserAdminError);
  });

  it("disables, then runs the offboarding function for the user's sub at once (I17)", async () => {
    cognito.on(AdminDisableUserCommand).resolves({});
    expect(await disableUser(ctx(), "alice", new LambdaClient({ region: "us-east-1" }))).toBe("done");
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: "mta-dev-offboarding" });
    const payload = JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString("utf8"));
    expect(payload).toEqual({ offboard: { userId: SUB } });
  });

  it("signs out globally and offboards; an unknown user is named", async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    expect(await signOutUser(ctx(), "alice", new LambdaClient({ region: "us-east-1" }))).toBe("done");
    cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: "no", $metadata: {} }));
    await expect(signOutUser(ctx(), "nobody")).rejects.toThrow('unknown user "nobody"');
  });
});

describe("runUsersCli", () => {
  it("prints the usage for --help and exits 2 with the usage for a bad argument", async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(await runUsersCli(["--help"], { out: (s) => out.push(s), err: (s) => err.push(s) })).toBe(0);
    expect(out[0]).toContain("usage: npm run users");
    expect(await runUsersCli(["frobnicate"], { out: (s) => out.push(s), err: (s) => err.push(s) })).toBe(2);
    expect(err[0]).toContain('unknown command "frobnicate"');
  });

  it("names a missing outputs file", async () => {
    const err: string[] = [];
    expect(await runUsersCli(["list", "--outputs", "/nonexistent/outputs.json"], { out: () => undefined, err: (s) => err.push(s) })).toBe(1);
    expect(err.join("\n")).toMatch(/outputs/);
  });
});
