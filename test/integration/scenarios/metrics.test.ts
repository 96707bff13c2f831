/**
 * Per-tenant metrics on the local stack: the chat function's EMF lines land in
 * `.local/metrics/<function>.jsonl` (the Lambda stand-in copies them from stdout, as
 * CloudWatch Logs extracts them), with the tenant dimension of the verified caller: an
 * answered ask, its latency, and a refused ask counted as an error by code.
 * Local only: on AWS the same lines become CloudWatch metrics (the stage's dashboard).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ERROR_CODE_DIMENSION, METRIC_NAMES, TENANT_DIMENSION } from "../../../lambdas/chat/answer-metrics";
import { PROJECT } from "../../../infra/config";
import { stackNames } from "../../../infra/naming";
import { LOCAL_STAGE } from "../../../local/stack";
import { answerIdFor } from "../../../scripts/stack-client/ws-client";
import { LOCAL_ONLY, stackIsLocal } from "../../support/stack/outputs";
import type { TestUser } from "../../support/stack/test-users";
import { useHarness } from "../redteam/support/harness";

jest.setTimeout(60_000);

const IS_LOCAL = stackIsLocal() && process.env.STACK_OUTPUTS !== undefined;
const localIt = IS_LOCAL ? it : it.skip;
if (!IS_LOCAL) process.stdout.write(`metrics: ${LOCAL_ONLY}\n`);

// The function name and the namespace do not depend on the Region.
const names = stackNames(PROJECT, LOCAL_STAGE, "us-east-1");

interface EmfRecord {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

function chatMetricsSince(since: number): EmfRecord[] {
  const file = join(dirname(process.env.STACK_OUTPUTS!), "metrics", `${names.functionName("chat")}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EmfRecord)
    .filter((record) => record._aws.Timestamp >= since);
}

const hasMetric = (record: EmfRecord, name: string) => record._aws.CloudWatchMetrics[0].Metrics.some((m) => m.Name === name);

/** Waits for the records `match` finds (the stand-in copies stdout as it arrives). */
async function waitForMetrics(since: number, match: (records: EmfRecord[]) => boolean): Promise<EmfRecord[]> {
  const deadline = Date.now() + 10_000;
  let records = chatMetricsSince(since);
  while (!match(records) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    records = chatMetricsSince(since);
  }
  return records;
}

let asker: TestUser;
let other: TestUser;
const harness = useHarness("metrics", async (h) => {
  asker = await h.users.create(h.stack.tenants[0].id, "metrics-asker", 1);
  other = await h.users.create(h.stack.tenants[1].id, "metrics-other", 0);
});

describe("per-tenant metrics in .local/metrics (EMF)", () => {
  localIt("counts an answered ask and its latency under the asker's tenant, in the stage's namespace", async () => {
    // From now, not earlier: the records are per tenant, and an earlier test's ask for the
    // same tenant a moment ago must not count as this one's (timestamps are milliseconds).
    const since = Date.now();
    const connection = await harness().connect(asker);
    const answer = await connection.ask("What is my last order?");
    expect(answer.outcome).toBe("done");

    const mine = (records: EmfRecord[]) => records.filter((r) => r[TENANT_DIMENSION] === asker.tenantId);
    const records = await waitForMetrics(since, (all) => {
      const own = mine(all);
      return own.some((r) => hasMetric(r, METRIC_NAMES.asks)) && own.some((r) => hasMetric(r, METRIC_NAMES.answerLatency));
    });
    const own = mine(records);
    expect(own.filter((r) => hasMetric(r, METRIC_NAMES.asks)).map((r) => r[METRIC_NAMES.asks])).toEqual([1]);
    const latency = own.find((r) => hasMetric(r, METRIC_NAMES.answerLatency))!;
    expect(latency[METRIC_NAMES.answerLatency]).toBeGreaterThan(0);
    for (const record of records) {
      expect(record._aws.CloudWatchMetrics[0].Namespace).toBe(names.metricsNamespace);
      expect(record._aws.CloudWatchMetrics[0].Dimensions[0]).toContain(TENANT_DIMENSION);
    }
    // No user id ever becomes a dimension (one custom metric per user would be the bill).
    expect(JSON.stringify(records)).not.toContain(asker.sub);
  });

  localIt("counts a refused ask as an error by code under the caller's tenant, not the tenant the frame names", async () => {
    // From now, not earlier: the records are per tenant, and an earlier test's ask for the
    // same tenant a moment ago must not count as this one's (timestamps are milliseconds).
    const since = Date.now();
    const connection = await harness().connect(asker);
    // An answerId of another user (of another tenant): forbidden (I5).
    const refused = await connection.ask("hello", { answerId: answerIdFor(other.sub) });
    expect(refused.errorCode).toBe("forbidden");

    const records = await waitForMetrics(since, (all) => all.some((r) => r[ERROR_CODE_DIMENSION] === "forbidden"));
    const errors = records.filter((r) => hasMetric(r, METRIC_NAMES.errors) && r[ERROR_CODE_DIMENSION] === "forbidden");
    expect(errors.map((r) => r[TENANT_DIMENSION])).toEqual([asker.tenantId]);
    expect(errors[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([["service", TENANT_DIMENSION, ERROR_CODE_DIMENSION]]);
  });
});
