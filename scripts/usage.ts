/**
 * `npm run usage -- [--tenant T] [--user U] [--since YYYY-MM-DD] [--json] [--chart FILE.svg]
 * [--outputs F] [--config F]`: who spent what. Reads the usage table's daily and monthly
 * counters with the operator's credentials (locally through the outputs file's admin keys,
 * on AWS the operator's own), names users through Cognito ListUsers (sub → username) and
 * prices tokens with the stack's model (scripts/usage/prices.ts). One Scan of the table,
 * filtered to counters: an operator's report, not a request path.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../infra/config";
import { readStackConfigFile } from "../infra/config-file";
import { DAY_PREFIX, MONTH_PREFIX } from "../lambdas/common/usage-keys";
import { loadStackOutputs, resolveOutputsPath, StackOutputsError } from "../local/runtime/stack-outputs";
import { operatorClients, type OperatorClients } from "./operator-clients";
import { parseUsageArgs, USAGE_HELP, UsageArgumentsError, type UsageArgs } from "./usage/arguments";
import { tokensChart } from "./usage/chart";
import { priceOf } from "./usage/prices";
import { buildReport, formatReport, reportJson, type TenantBudget, type UsageItem } from "./usage/report";
import { listUsers, UserAdminError } from "./user-admin";

const ROOT = join(__dirname, "..");

/** A mistake in what was asked (unknown tenant or user, missing config): a clear line, exit 1. */
export class UsageReportError extends Error {
  constructor(
    readonly code: "unknown_tenant" | "unknown_user" | "no_config",
    message: string,
  ) {
    super(message);
    this.name = "UsageReportError";
  }
}

/** Every counter item of the usage table (answer records are filtered out by DynamoDB). */
export async function readCounters(c: OperatorClients): Promise<UsageItem[]> {
  const items: UsageItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await c.dynamo.send(
      new ScanCommand({
        TableName: c.outputs.usageTableName,
        FilterExpression: "begins_with(sk, :day) OR begins_with(sk, :month)",
        ExpressionAttributeValues: { ":day": DAY_PREFIX, ":month": MONTH_PREFIX },
        ProjectionExpression: "pk, sk, asks, inputTokens, outputTokens",
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as UsageItem[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

function configPath(args: UsageArgs): string {
  return args.config ?? process.env.STACK_CONFIG ?? join(ROOT, "Pulumi.dev.yaml");
}

export async function runUsageCli(
  argv: readonly string[],
  io = { out: console.log, err: console.error },
  now = new Date(),
): Promise<number> {
  if (argv.some((a) => a === "--help" || a === "-h")) {
    io.out(USAGE_HELP);
    return 0;
  }
  let c: OperatorClients | undefined;
  try {
    const args = parseUsageArgs(argv, now);
    const outputs = loadStackOutputs(resolveOutputsPath(args.outputs));
    const known = Object.keys(outputs.ordersTableNames).sort();
    if (args.tenant !== undefined && !known.includes(args.tenant)) {
      throw new UsageReportError("unknown_tenant", `unknown tenant "${args.tenant.slice(0, 40)}" (tenants of this stack: ${known.join(", ")})`);
    }
    const file = configPath(args);
    if (!existsSync(file)) throw new UsageReportError("no_config", `stack configuration ${file} not found (pass --config F or set STACK_CONFIG)`);
    const { config } = readStackConfigFile(file);
    c = operatorClients(outputs);
    const users = await listUsers(c);
    const usernames = new Map(users.filter((u) => u.sub !== undefined).map((u) => [u.sub!, u.username]));
    let userId: string | undefined;
    if (args.user !== undefined) {
      const user = users.find((u) => u.username === args.user);
      if (!user?.sub) throw new UsageReportError("unknown_user", `unknown user "${args.user.slice(0, 64)}" in this stack's user pool`);
      if (args.tenant !== undefined && user.tenantId !== args.tenant) {
        throw new UsageReportError("unknown_user", `user "${args.user}" is not a user of tenant ${args.tenant}`);
      }
      userId = user.sub;
    }
    const userTenant = args.user !== undefined ? users.find((u) => u.sub === userId)?.tenantId : undefined;
    const tenantIds = args.tenant !== undefined ? [args.tenant] : userTenant !== undefined ? [userTenant] : known;
    const budgets = new Map(config.tenants.map((t) => [t.id, (t as { budget?: TenantBudget }).budget]));
    const price = priceOf(config.modelId);
    const today = now.toISOString().slice(0, 10);
    const report = buildReport({
      items: await readCounters(c),
      tenants: tenantIds.map((id) => ({ id, budget: budgets.get(id) })),
      usernames,
      userId,
      since: args.since,
      today,
      price,
    });
    io.out(args.json ? reportJson(report) : formatReport(report, { since: args.since, today, model: config.modelId, priced: price !== undefined }));
    if (args.chart) {
      writeFileSync(args.chart, tokensChart(report.map((t) => ({ tenantId: t.tenantId, days: t.days })), `Model tokens per tenant per day, ${args.since} to ${today} (UTC)`));
      if (!args.json) io.out(`chart written to ${args.chart}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageArgumentsError) {
      io.err(`${error.message}\n${USAGE_HELP}`);
      return 2;
    }
    if (error instanceof UsageReportError || error instanceof StackOutputsError || error instanceof UserAdminError || error instanceof ConfigError) {
      io.err(error.message);
    } else io.err(`usage: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  } finally {
    c?.destroy();
  }
}

if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  runUsageCli(process.argv.slice(2)).then((code) => process.exit(code));
}
