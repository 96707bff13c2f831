/**
 * `npm run test:stack -- [--outputs FILE] [jest args…]`: the integration suite against a
 * stack. With --outputs (an AWS stack's `pulumi stack output --json`, no password in it, or a
 * running local stack's file) it sets STACK_OUTPUTS; without it the global setup boots a
 * fresh local stack on free ports.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const argv = process.argv.slice(2);
// The SDK's 7-line Node 20 end-of-support notice, printed once per test file, buries the results.
const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
const rest: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--outputs") {
    const file = argv[++i];
    if (!file || !existsSync(file)) {
      console.error(`test:stack: --outputs needs an existing file${file ? ` (not found: ${file})` : ""}`);
      process.exit(2);
    }
    env.STACK_OUTPUTS = resolve(file);
  } else rest.push(argv[i]);
}
const result = spawnSync("npx", ["--no-install", "jest", "--selectProjects", "integration", "--runInBand", ...rest], {
  cwd: join(__dirname, ".."),
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
