/**
 * `npx tsx scripts/bench/answer-costs.ts [--no-write]`: what one answer costs, for a one-line answer
 * (the return policy) and a long one (28 orders listed), on a local stack it boots itself:
 *
 * - AWS calls per answer, counted by the stand-ins (local/runtime/call-counter.ts): Lambda
 *   invokes, DynamoDB operations by type, STS calls, PostToConnection messages and bytes,
 *   the replies API Gateway sent back as route responses (no signed call, still a message),
 *   Bedrock calls; and the same answer in the original AWS sample's architecture, on paper;
 * - the estimated AWS cost per 1,000 answers without model tokens (aws-prices.ts);
 * - the system's own time, send → done, with the Bedrock stand-in's pacing at 0;
 * - PostToConnection messages of the long answer at the default pacing (a streaming answer):
 *   its `chunk` and `done` events against the budget 2 + duration / 100 ms.
 *
 * An answer's text is its `chunk` events' and the last part that `done` carries (`text`, all
 * of a one-line answer): `chunks.long` counts the agent's pieces of the whole text.
 *
 * It signs in as a demo user (changing its password), so it never targets a stack it did not boot.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { splitIntoChunks } from "../../local/bedrock/agent-planner";
import { DEFAULT_CHUNK_DELAY_MS } from "../../local/bedrock/agent-runtime";
import { callsOf, countsSince, serviceCalls, type CallCounts } from "../../local/runtime/call-counter";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { FUNCTION_SETTINGS } from "../../infra/function-settings";
import { operatorClients } from "../operator-clients";
import { addOrder } from "../orders";
import { signInDemoUser } from "../stack-client/sign-in";
import { connectAs, type StackConnection } from "../stack-client/ws-client";
import { costPer1000Answers, PRICES_CHECKED, PRICES_REGION, type BillableUse } from "./aws-prices";
import { describeError } from "./describe-error";
import { benchArgs } from "./bench-args";
import { mergeIntoLatest, percentile, round1 } from "./results-file";

export const SHORT_PROMPT = "What is the return policy?";
export const LONG_PROMPT = "List my orders";
export const LONG_ORDERS = 28;

/** The figures of one answer, from the stand-ins' counts. */
export interface AnswerCalls {
  lambda: { invokes: number; byFunction: Record<string, number> };
  dynamodb: { total: number; byOperation: Record<string, number>; connectionReads: number };
  sts: number;
  postToConnection: { messages: number; bytes: number; byEvent: Record<string, number> };
  /** Replies API Gateway sent back on two-way routes (the function's returned body): messages, not signed calls. */
  routeResponses: { messages: number; bytes: number; byEvent: Record<string, number> };
  bedrock: number;
  clientMessages: number;
}

/** Pure: one answer's counts into the report's shape. */
export function answerCalls(counts: CallCounts, connectionsTable: string): AnswerCalls {
  const ops = (service: keyof CallCounts, prefix = "") =>
    Object.fromEntries(
      Object.entries(counts[service])
        .filter(([op]) => (prefix ? op.startsWith(prefix) : !op.includes(":")))
        .map(([op, tally]) => [prefix ? op.slice(prefix.length) : op, tally.calls]),
    );
  const byFunction = ops("lambda", "Invoke:");
  return {
    lambda: { invokes: callsOf(counts, "lambda", "Invoke"), byFunction },
    dynamodb: {
      total: serviceCalls(counts, "dynamodb"),
      byOperation: ops("dynamodb"),
      connectionReads: callsOf(counts, "dynamodb", `GetItem:${connectionsTable}`),
    },
    sts: serviceCalls(counts, "sts"),
    postToConnection: {
      messages: callsOf(counts, "apigateway", "PostToConnection"),
      bytes: counts.apigateway.PostToConnection?.bytes ?? 0,
      byEvent: ops("apigateway", "PostToConnection:"),
    },
    routeResponses: {
      messages: callsOf(counts, "apigateway", "RouteResponse"),
      bytes: counts.apigateway.RouteResponse?.bytes ?? 0,
      byEvent: ops("apigateway", "RouteResponse:"),
    },
    bedrock: callsOf(counts, "bedrock", "InvokeAgent"),
    clientMessages: callsOf(counts, "apigateway", "ClientMessage"),
  };
}

const READ_OPERATIONS = new Set(["GetItem", "Query", "Scan", "BatchGetItem"]);

/**
 * Pure: billable units of one answer here. Every read is priced as one read unit (items
 * under 4 KB, strongly consistent: an upper bound), every write as one write unit (under
 * 1 KB); Lambda duration as the own time at the chat function's memory.
 */
export function billableHere(calls: AnswerCalls, ownTimeMs: number): BillableUse {
  const reads = Object.entries(calls.dynamodb.byOperation).filter(([op]) => READ_OPERATIONS.has(op)).reduce((s, [, n]) => s + n, 0);
  return {
    lambdaRequests: calls.lambda.invokes,
    lambdaGbSeconds: (ownTimeMs / 1000) * (FUNCTION_SETTINGS.chat.memoryMb / 1024),
    dynamoReadUnits: reads,
    dynamoWriteUnits: calls.dynamodb.total - reads,
    // API Gateway bills every message either way: a route response is one, like a post.
    webSocketMessages: calls.clientMessages + calls.postToConnection.messages + calls.routeResponses.messages,
    appSyncOperations: 0,
    appSyncRealtimeUpdates: 0,
    eventBridgeEvents: 0,
  };
}

/**
 * The original AWS sample's architecture, on paper (docs/performance.md explains each
 * line): the client's AppSync mutation → an EventBridge event → a Lambda that assumes the
 * tenant role and calls InvokeAgent (not streamed) → the answer as a second AppSync
 * mutation, pushed to the client's subscription. The tools read the same items as here.
 */
export function originalSampleCalls(calls: AnswerCalls, toolReads: number): BillableUse & { sts: number; bedrock: number } {
  const toolCalls = calls.lambda.byFunction[Object.keys(calls.lambda.byFunction).find((f) => f.endsWith("action-group")) ?? ""] ?? 0;
  return {
    lambdaRequests: 1 + toolCalls,
    lambdaGbSeconds: 0,
    dynamoReadUnits: toolReads,
    dynamoWriteUnits: 0,
    webSocketMessages: 0,
    appSyncOperations: 2,
    appSyncRealtimeUpdates: 1,
    eventBridgeEvents: 1,
    sts: 1,
    bedrock: 1,
  };
}

async function timedAsk(connection: StackConnection, prompt: string): Promise<{ ms: number; text: string; chunkEvents: number }> {
  const t0 = performance.now();
  const answer = await connection.ask(prompt);
  const ms = performance.now() - t0;
  if (answer.outcome !== "done") throw new Error(`ask "${prompt}" ended with ${answer.errorCode ?? answer.outcome}`);
  return { ms, text: answer.text, chunkEvents: answer.events.filter((e) => e.type === "chunk").length };
}

/** Counts of exactly one answer: nothing else runs on the stack meanwhile. */
async function countedAsk(stack: LocalStack, connection: StackConnection, prompt: string) {
  // The previous answer's step sends its metering writes (I22) just after its `done`: let
  // them land first, or they are counted as this answer's.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = stack.calls.snapshot();
  const asked = await timedAsk(connection, prompt);
  // The answer step returns right after `done`; give its last calls time to land.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { ...asked, counts: countsSince(stack.calls.snapshot(), before) };
}

export async function benchAnswerCosts(options: { shortRuns?: number; longRuns?: number } = {}) {
  const shortRuns = options.shortRuns ?? 60;
  const longRuns = options.longRuns ?? 15;
  const stack = await startLocalStack({
    ports: "free",
    stateDir: mkdtempSync(join(tmpdir(), "mta-bench-costs-")),
    askRateLimit: { perUserPerMinute: 1000 },
    agentChunkDelayMs: 0,
  });
  try {
    const outputs = stack.outputs;
    const username = Object.keys(outputs.users)[0];
    const operator = operatorClients(outputs);
    for (let i = 0; i < LONG_ORDERS; i++) {
      await addOrder(operator, username, {
        orderDate: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
        total: 10 + i,
        currency: "EUR",
        status: i % 3 === 0 ? "shipped" : "delivered",
        items: [`item-${i}`],
      });
    }
    operator.destroy();
    const user = await signInDemoUser(outputs, username);
    const connection = await connectAs(outputs, user);
    // Warm: environments started, credentials cached, clients connected.
    for (let i = 0; i < 5; i++) {
      await connection.ask(SHORT_PROMPT);
      await connection.ask(LONG_PROMPT);
    }

    const short = await countedAsk(stack, connection, SHORT_PROMPT);
    const long = await countedAsk(stack, connection, LONG_PROMPT);
    const shortTimes: number[] = [];
    for (let i = 0; i < shortRuns; i++) shortTimes.push((await timedAsk(connection, SHORT_PROMPT)).ms);
    const longTimes: number[] = [];
    for (let i = 0; i < longRuns; i++) longTimes.push((await timedAsk(connection, LONG_PROMPT)).ms);

    // The same long answer, streamed at the default pacing: messages against 2 + duration / 100 ms.
    stack.setAgentChunkDelayMs(DEFAULT_CHUNK_DELAY_MS);
    const paced = await countedAsk(stack, connection, LONG_PROMPT);
    stack.setAgentChunkDelayMs(0);
    await connection.close();

    const table = outputs.connectionsTableName;
    const callsShort = answerCalls(short.counts, table);
    const callsLong = answerCalls(long.counts, table);
    const callsPaced = answerCalls(paced.counts, table);
    const ownShort = percentile(shortTimes, 50);
    const ownLong = percentile(longTimes, 50);
    const toolReads = (c: AnswerCalls) => c.dynamodb.total - c.dynamodb.connectionReads - (c.dynamodb.byOperation.UpdateItem ?? 0);
    return {
      callsPerAnswer: {
        short: callsShort,
        long: callsLong,
        longStreamed: { ...callsPaced, pacingMs: DEFAULT_CHUNK_DELAY_MS, durationMs: round1(paced.ms), budget: round1(2 + paced.ms / 100) },
      },
      chunks: { long: splitIntoChunks(long.text).length, longEvents: long.chunkEvents, longStreamedEvents: paced.chunkEvents },
      ownTimeMs: {
        short: round1(ownShort),
        shortP99: round1(percentile(shortTimes, 99)),
        long: round1(ownLong),
        longP99: round1(percentile(longTimes, 99)),
        runs: { short: shortRuns, long: longRuns },
      },
      costPer1000Answers: {
        pricesChecked: PRICES_CHECKED,
        region: PRICES_REGION,
        note: "USD, excluding model tokens; reads priced as strongly consistent",
        short: round4(costPer1000Answers(billableHere(callsShort, ownShort))),
        long: round4(costPer1000Answers(billableHere(callsLong, ownLong))),
        originalSample: {
          short: round4(costPer1000Answers(originalSampleCalls(callsShort, toolReads(callsShort)))),
          long: round4(costPer1000Answers(originalSampleCalls(callsLong, toolReads(callsLong)))),
        },
      },
      originalSampleCallsPerAnswer: {
        short: originalSampleCalls(callsShort, toolReads(callsShort)),
        long: originalSampleCalls(callsLong, toolReads(callsLong)),
      },
    };
  } finally {
    await stack.stop();
  }
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

if (require.main === module) {
  const args = benchArgs("answer-costs", {});
  benchAnswerCosts()
    .then((result) => {
      if (args.write) mergeIntoLatest(result);
      const { short, long } = result.callsPerAnswer;
      const line = (name: string, c: AnswerCalls) =>
        `${name.padEnd(6)} lambda ${c.lambda.invokes}, dynamodb ${c.dynamodb.total} (${JSON.stringify(c.dynamodb.byOperation)}; connection reads ${c.dynamodb.connectionReads}), sts ${c.sts}, postToConnection ${c.postToConnection.messages} (${c.postToConnection.bytes} B), route responses ${c.routeResponses.messages} (${c.routeResponses.bytes} B), bedrock ${c.bedrock}`;
      console.log(line("short", short));
      console.log(line("long", long));
      const s = result.callsPerAnswer.longStreamed;
      const streamed = (s.postToConnection.byEvent.chunk ?? 0) + (s.postToConnection.byEvent.done ?? 0);
      console.log(
        `long, streamed at ${s.pacingMs} ms/chunk: ${streamed} chunk and done PostToConnection (${s.postToConnection.messages} in all) in ${s.durationMs} ms (budget ${s.budget}); agent chunks ${result.chunks.long}`,
      );
      console.log(`own time (pacing 0): short median ${result.ownTimeMs.short} ms (p99 ${result.ownTimeMs.shortP99}), long median ${result.ownTimeMs.long} ms (p99 ${result.ownTimeMs.longP99})`);
      console.log(`cost per 1,000 answers (USD, no model tokens, prices ${PRICES_CHECKED}): short ${result.costPer1000Answers.short}, long ${result.costPer1000Answers.long}; original sample ${result.costPer1000Answers.originalSample.short} / ${result.costPer1000Answers.originalSample.long}`);
    })
    .catch((error: unknown) => {
      console.error(`bench failed: ${describeError(error)}`);
      process.exit(1);
    });
}
