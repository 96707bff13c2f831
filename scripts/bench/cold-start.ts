/**
 * Cold-start cost of each bundle: a fresh Node process loads `dist/lambdas/<name>/index.js`
 * (what Lambda's init phase does) and reports the time to `require` it. Median over a few
 * runs; module evaluation only, no network. Run `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { APP_PROTOCOL, FUNCTION_NAMES, type FunctionName } from "../../infra/naming";
import { toEnvironment as actionGroupEnvironment } from "../../lambdas/action-group/config";
import { toEnvironment as authorizerEnvironment } from "../../lambdas/authorizer/config";
import { toEnvironment as chatEnvironment } from "../../lambdas/chat/config";
import { bundlePath } from "../../infra/bundles";

const RUNS = 7;
const PROBE = `
const started = process.hrtime.bigint();
require(process.argv[1]);
process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e6));
`;

// The handlers read their configuration on first invocation; a valid one is set anyway so a
// future change back to load-time parsing is still measured rather than crashing.
const MANAGEMENT_ENDPOINT = "https://example.execute-api.us-east-1.amazonaws.com/dev";
const FUNCTION_ENVIRONMENTS: Record<FunctionName, Record<string, string>> = {
  authorizer: { ...authorizerEnvironment({
    userPoolId: "us-east-1_AAAAAAAAA",
    clientId: "client",
    tenantIds: new Set(["tenant1"]),
    appProtocol: APP_PROTOCOL,
  }) },
  chat: { ...chatEnvironment({
    connectionsTableName: "bench-connections",
    tenantAccessRoleArn: "arn:aws:iam::000000000000:role/bench",
    agentId: "AGENT",
    agentAliasId: "ALIAS",
    managementEndpoint: MANAGEMENT_ENDPOINT,
    appProtocol: APP_PROTOCOL,
    limitsTableName: "bench-limits",
    asksPerUserPerMinute: 30,
  }) },
  "action-group": { ...actionGroupEnvironment({
    tenantsTableName: "bench-tenants",
    ordersTablePrefix: "bench-orders-",
    connectionsTableName: "bench-connections",
    managementEndpoint: MANAGEMENT_ENDPOINT,
  }) },
};
const env = (name: FunctionName): NodeJS.ProcessEnv => ({
  ...process.env,
  AWS_REGION: "us-east-1",
  AWS_LAMBDA_FUNCTION_NAME: "bench",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  ...FUNCTION_ENVIRONMENTS[name],
});

for (const name of FUNCTION_NAMES) {
  const file = bundlePath(name);
  if (!existsSync(file)) {
    console.error(`missing ${file}: run npm run build first`);
    process.exit(1);
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ["-e", PROBE, file], { env: env(name), encoding: "utf8" });
    if (run.status !== 0) {
      console.error(`${name}: load failed: ${run.stderr.split("\n")[0]}`);
      process.exit(1);
    }
    times.push(Number(run.stdout));
  }
  times.sort((a, b) => a - b);
  const kb = (statSync(file).size / 1024).toFixed(0);
  console.log(`${name.padEnd(13)} ${kb.padStart(4)} KB  require median ${times[RUNS >> 1].toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[RUNS - 1].toFixed(1)}, n=${RUNS})`);
}
