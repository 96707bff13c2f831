/**
 * I19 against the stack under test: its outputs file holds no password, and
 * `npm run initial-password` prints the one a configured user signs in with. On the local
 * stack the passwords sit in their own owner-only file (0600 in the 0700 state directory);
 * on AWS in the stack's secret output, read with the Pulumi CLI by the operator (not here:
 * the suite needs no Pulumi CLI, and on AWS it signs in per-run users only).
 *
 * Whether another file signed the demo user in first depends on Jest's order: a user still
 * awaiting its first sign-in must answer the printed password with NEW_PASSWORD_REQUIRED
 * (left unanswered, so nothing changes); one the suite signed in already must take the
 * permanent password the suite derives from the initial one (sign-in.ts
 * `permanentPassword`), which only the right initial password yields.
 */
import { AdminGetUserCommand, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { resolveOutputsPath } from "../../../local/runtime/stack-outputs";
import { permanentPassword, publicCognitoClient } from "../../../scripts/stack-client/sign-in";
import { withOperatorClients } from "../../support/stack/aws-clients";
import { demoUsernameOf } from "../../support/stack/demo-users";
import { ROOT_DIR, stackIsLocal, stackOutputs, stackTenants } from "../../support/stack/outputs";
import { suiteBootedStack } from "../../support/stack/stack-ownership";

jest.setTimeout(60_000);

const outputs = stackOutputs();
const tenants = stackTenants(outputs);
const tenant = tenants[tenants.length - 1];
const IS_LOCAL = stackIsLocal();
const localIt = IS_LOCAL ? it : it.skip;
if (!IS_LOCAL) process.stdout.write("initial-password: the command's AWS path needs the Pulumi CLI and is the operator's (docs/deploy.md); SKIPPED here\n");

/** The real command, as an operator runs it: its own process, standard output and error apart. */
async function initialPasswordCommand(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)("npx", ["--no-install", "tsx", "scripts/initial-password.ts", ...argv, "--outputs", resolveOutputsPath()], {
      cwd: ROOT_DIR,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: e.stdout ?? "", err: e.stderr ?? "" };
  }
}

async function passwordAuth(username: string, password: string): Promise<string> {
  const cognito = publicCognitoClient(outputs);
  return cognito
    .send(new InitiateAuthCommand({ ClientId: outputs.userPoolClientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: password } }))
    .then(
      (r) => r.ChallengeName ?? "signed in",
      (e: Error) => `${e.name}: ${e.message}`,
    );
}

describe("initial passwords stay out of the outputs file (I19)", () => {
  it("the outputs file has no initialPasswords (at most Pulumi's \"[secret]\" placeholder)", () => {
    const raw = JSON.parse(readFileSync(resolveOutputsPath(), "utf8")) as Record<string, unknown>;
    expect([undefined, "[secret]"]).toContain(raw.initialPasswords);
  });

  localIt("the local stack keeps them in their own owner-only file, and none is in the outputs file", () => {
    const file = outputs.initialPasswordsFile ?? "";
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    const passwords = Object.values(JSON.parse(readFileSync(file, "utf8")) as Record<string, string>);
    expect(passwords.length).toBe(Object.keys(outputs.users).length);
    const outputsText = readFileSync(resolveOutputsPath(), "utf8");
    for (const password of passwords) expect(outputsText).not.toContain(password);
  });

  localIt("npm run initial-password prints the password a demo user signs in with; a wrong one is refused", async () => {
    const username = demoUsernameOf(outputs, tenant.id);
    const printed = await initialPasswordCommand(username);
    expect(printed.code).toBe(0);
    const password = printed.out.trim();
    expect(printed.out).toBe(`${password}\n`);
    expect(printed.err).toContain(`initial password of ${username} (tenant ${tenant.id})`);
    expect(printed.err).not.toContain(password);
    const status = await withOperatorClients(outputs, async (c) =>
      (await c.cognito.send(new AdminGetUserCommand({ UserPoolId: outputs.userPoolId, Username: username }))).UserStatus,
    );
    if (status === "FORCE_CHANGE_PASSWORD") {
      await expect(passwordAuth(username, password)).resolves.toBe("NEW_PASSWORD_REQUIRED");
      await expect(passwordAuth(username, `${password}x`)).resolves.toBe("NotAuthorizedException: Incorrect username or password.");
    } else if (suiteBootedStack()) {
      process.stdout.write(`initial-password: ${username} was signed in first by another file; checking the password the suite derived from the printed one\n`);
      await expect(passwordAuth(username, permanentPassword(password))).resolves.toBe("signed in");
      await expect(passwordAuth(username, permanentPassword(`${password}x`))).resolves.toBe("NotAuthorizedException: Incorrect username or password.");
    } else {
      process.stdout.write(`initial-password: ${username} chose their own password on this stack; the printed one is no longer theirs\n`);
    }
  });

  localIt("an unknown user is one clear line and exit 1, with no password printed", async () => {
    const result = await initialPasswordCommand("nobody-here");
    expect(result.code).toBe(1);
    expect(result.out).toBe("");
    expect(result.err.trim()).toMatch(/^no initial password for "nobody-here" on this stack \(configured users: .+\)/);
  });
});
