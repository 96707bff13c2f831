/**
 * What one warm AWS SDK call costs in CPU on the client side, measured in ONE process with
 * process.cpuUsage() over N sequential calls (docs/performance.md §What one SDK call costs).
 * The local stack runs in a process of its own (stack-process.ts), so the gate, IAM
 * evaluation and dynalite are not counted here. Cases:
 *
 * - `getItemWarm`: DynamoDB GetItem through DynamoDBDocumentClient, one client reused, the
 *   operator's credentials, through the local IAM gate (SigV4 verified, policy evaluated).
 * - `getItemFreshClient`: the same with a new DynamoDBClient + DocumentClient per call
 *   (constructed, used once, destroyed): what building a client costs.
 * - `getItemNoNetwork`: the warm client with a request handler that answers at once with a
 *   canned response: the SDK's own work alone (middleware, serialization, signing, parsing).
 * - `postToConnectionGone`: PostToConnection to a connection that does not exist (an error
 *   answer, which the SDK also parses).
 * - `rawHttp`: the same GetItem body POSTed unsigned with node:http and a keep-alive agent
 *   (the gate refuses it): the HTTP client's share without the SDK.
 *
 *   npx tsx scripts/bench/sdk-call-cost.ts [--calls N] [--no-write]
 */
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { Agent, request } from "node:http";
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { describeError } from "./describe-error";
import { forkStack, type ForkedStack } from "./forked-stack";
import { benchArgs } from "./bench-args";
import { mergeIntoLatest, round1 } from "./results-file";

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

export interface CallCost {
  calls: number;
  /** User + system CPU of this process per call. */
  cpuMsPerCall: number;
  wallMsPerCall: number;
}

/** CPU and wall time per call of `call`, run `calls` times in sequence after 50 uncounted ones. */
export async function measure(call: () => Promise<unknown>, calls: number): Promise<CallCost> {
  for (let i = 0; i < 50; i += 1) await call();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i += 1) await call();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { calls, cpuMsPerCall: round3((used.user + used.system) / 1000 / calls), wallMsPerCall: round3(wallMs / calls) };
}

function startStack(): Promise<ForkedStack> {
  return forkStack({ ports: "free", stateDir: mkdtempSync(join(tmpdir(), "mta-bench-sdk-")), logLevel: "WARN" });
}

/** A request handler that never touches the network: a canned GetItem answer. */
const cannedHandler = {
  handle: async () => ({
    response: { statusCode: 200, reason: "OK", headers: { "content-type": "application/x-amz-json-1.0" }, body: new TextEncoder().encode('{"Item":{"tenantId":{"S":"tenant1"},"displayName":{"S":"Tenant 1"}}}') },
  }),
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
};

async function main(): Promise<void> {
  const args = benchArgs("sdk-call-cost", { "--calls": "N" });
  const calls = Number(args.value("--calls") ?? 500);
  const stack = await startStack();
  try {
    const { outputs } = stack;
    const endpoints = outputs.endpoints;
    if (!endpoints || !outputs.adminCredentials) throw new Error("the local stack gave no endpoints or operator credentials");
    const common = { region: outputs.region, credentials: outputs.adminCredentials };
    const tenantId = Object.keys(outputs.ordersTableNames)[0];
    const get = new GetCommand({ TableName: outputs.tenantsTableName, Key: { tenantId } });

    const base = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
    const documents = DynamoDBDocumentClient.from(base);
    const getItemWarm = await measure(() => documents.send(get), calls);

    const getItemFreshClient = await measure(async () => {
      const fresh = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
      try {
        return await DynamoDBDocumentClient.from(fresh).send(get);
      } finally {
        fresh.destroy();
      }
    }, Math.min(calls, 200));

    const offline = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb, requestHandler: cannedHandler }));
    const getItemNoNetwork = await measure(() => offline.send(get), calls);

    const api = new ApiGatewayManagementApiClient({ ...common, endpoint: endpoints.apiGatewayManagement });
    const post = new PostToConnectionCommand({ ConnectionId: "NoSuchConnection=", Data: new TextEncoder().encode("{}") });
    const postToConnectionGone = await measure(() => api.send(post).catch((error: unknown) => error), calls);

    const agent = new Agent({ keepAlive: true });
    const url = new URL(endpoints.dynamodb);
    const body = JSON.stringify({ TableName: outputs.tenantsTableName, Key: { tenantId: { S: tenantId } } });
    const rawHttp = await measure(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = request(
            { host: url.hostname, port: url.port, path: "/", method: "POST", agent, headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.GetItem" } },
            (res) => {
              res.resume();
              res.on("end", resolve);
            },
          );
          req.on("error", reject);
          req.end(body);
        }),
      calls,
    );
    agent.destroy();
    base.destroy();
    api.destroy();

    const sdkCallCost = { getItemWarm, getItemFreshClient, getItemNoNetwork, postToConnectionGone, rawHttp, loadAverage1m: round1(loadavg()[0]) };
    for (const [name, value] of Object.entries(sdkCallCost)) console.log(name.padEnd(22), JSON.stringify(value));
    if (args.write) mergeIntoLatest({ sdkCallCost });
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`sdk-call-cost failed: ${describeError(error)}`);
    process.exit(1);
  });
}
