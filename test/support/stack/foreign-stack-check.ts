/**
 * `npx tsx test/support/stack/foreign-stack-check.ts`: proves the integration suite
 * leaves a stack it did not boot alone. It boots a local stack on free ports (as if
 * someone ran `npm start`), signs a demo user in through NEW_PASSWORD_REQUIRED with a
 * password of "their" choosing, adds an order for another demo user with the orders CLI's
 * functions, runs the whole integration project against it (STACK_OUTPUTS, and an
 * inherited STACK_BOOTED_BY_SUITE=1 the global setup must drop), then checks: the
 * suite passed; the chosen password still works; the untouched demo users still await
 * their first sign-in with their printed passwords; the demo orders are exactly the one
 * added; no per-run user and no order of anyone else is left. Exit code 0 only if all hold.
 */
import { AdminGetUserCommand, InitiateAuthCommand, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack } from "../../../local/stack";
import { operatorClients } from "../../../scripts/operator-clients";
import { addOrder, listOrders } from "../../../scripts/orders";
import { demoUsernameOf } from "./demo-users";
import { ROOT_DIR } from "./outputs";
import { initialPasswords } from "../../../scripts/stack-client/initial-passwords";
import { publicCognitoClient, signIn, signInFirstTime } from "../../../scripts/stack-client/sign-in";
import { BOOTED_BY_SUITE_ENV } from "./stack-ownership";
import { testPassword } from "./test-users";

function runJest(env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["--no-install", "jest", "--selectProjects", "integration", "--runInBand"], { cwd: ROOT_DIR, env });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, output }));
  });
}

interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

async function main(): Promise<number> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail?: string) => checks.push({ name, ok, detail });
  const stack = await startLocalStack({ ports: "free", stateDir: mkdtempSync(join(tmpdir(), "mta-foreign-stack-")) });
  const { outputs } = stack;
  const operator = operatorClients(outputs);
  const target = { outputs, cognito: publicCognitoClient(outputs) };
  try {
    const tenants = Object.keys(outputs.ordersTableNames).sort();
    const demoUsers = Object.keys(outputs.users).sort();
    const browserUser = demoUsernameOf(outputs, tenants[1]); // tenant2-user, signed in "in the browser"
    const orderUser = demoUsernameOf(outputs, tenants[0]); // tenant1-user, with an order of their own
    const untouched = demoUsers.filter((u) => u !== browserUser);
    // As the operator hands them out (npm run initial-password), in memory only (I19).
    const printed = await initialPasswords(outputs);

    // The person's own state on "their" stack.
    const ownPassword = testPassword();
    const first = await signInFirstTime(target, browserUser, printed[browserUser], ownPassword);
    check(`${browserUser} set their own password through NEW_PASSWORD_REQUIRED`, first.challenge === "NEW_PASSWORD_REQUIRED");
    const theirOrder = await addOrder(operator, orderUser, { total: 12.3, currency: "EUR", status: "placed", items: ["Their teapot"], orderDate: new Date().toISOString() });

    const started = Date.now();
    // Asynchronously: the stack's servers live in this process and must keep answering.
    const run = await runJest({ ...process.env, STACK_OUTPUTS: stack.outputsFile, [BOOTED_BY_SUITE_ENV]: "1" });
    const output = run.output;
    const summary = output.split("\n").filter((l) => /^(Tests|Test Suites):/.test(l)).join(" | ");
    check(`integration project against the foreign stack passed (${((Date.now() - started) / 1000).toFixed(1)} s)`, run.status === 0, summary);
    check("local-stack.test.ts ran with per-run users only", output.includes("stack not booted by the suite: per-run users only"));
    check("no raw NotAuthorizedException in the run", !/^\s*NotAuthorizedException/m.test(output));

    // The person's state afterwards.
    const stillSignsIn = await signIn(target, browserUser, ownPassword).then(() => true, (e: Error) => (check(`${browserUser} error`, false, e.message), false));
    check(`${browserUser}'s own password still works`, stillSignsIn);
    for (const username of untouched) {
      const status = (await operator.cognito.send(new AdminGetUserCommand({ UserPoolId: outputs.userPoolId, Username: username }))).UserStatus;
      const answer = await target.cognito.send(
        new InitiateAuthCommand({ ClientId: outputs.userPoolClientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: printed[username] } }),
      ).then((r) => r.ChallengeName, (e: Error) => e.name);
      check(`${username} still awaits its first sign-in with the printed password`, status === "FORCE_CHANGE_PASSWORD" && answer === "NEW_PASSWORD_REQUIRED", `${status}, ${answer}`);
    }
    for (const username of demoUsers) {
      const orders = (await listOrders(operator, username)).map((o) => o.orderId);
      const expected = username === orderUser ? [theirOrder.orderId] : [];
      check(`${username}'s orders are exactly what they had`, JSON.stringify(orders) === JSON.stringify(expected), orders.join(",") || "none");
    }
    const pool = await operator.cognito.send(new ListUsersCommand({ UserPoolId: outputs.userPoolId }));
    const leftUsers = (pool.Users ?? []).map((u) => u.Username ?? "").filter((u) => !demoUsers.includes(u));
    check("no per-run user left in the pool", leftUsers.length === 0, leftUsers.join(", ") || "none");
    let foreignItems = 0;
    const theirSub = (await operator.cognito.send(new AdminGetUserCommand({ UserPoolId: outputs.userPoolId, Username: orderUser }))).UserAttributes?.find((a) => a.Name === "sub")?.Value;
    for (const table of Object.values(outputs.ordersTableNames)) {
      const items = (await operator.dynamo.send(new ScanCommand({ TableName: table }))).Items ?? [];
      foreignItems += items.filter((i) => !(i.userId === theirSub && i.orderId === theirOrder.orderId)).length;
    }
    check("no test order left in any orders table", foreignItems === 0, `${foreignItems} other item(s)`);
    if (run.status !== 0) process.stdout.write(output.split("\n").filter((l) => /●|✕|Error/.test(l)).slice(0, 40).join("\n") + "\n");
  } finally {
    operator.destroy();
    await stack.stop();
  }
  for (const c of checks) process.stdout.write(`${c.ok ? "PASS" : "FAIL"}  ${c.name}${c.detail ? `  [${c.detail}]` : ""}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  process.stdout.write(`${checks.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`foreign-stack check failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  },
);
