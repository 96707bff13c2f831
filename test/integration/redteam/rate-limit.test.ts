/**
 * Red team: flooding as one user. A user who asks more than the per-user limit
 * (askRateLimit.perUserPerMinute of the stack's configuration) from several connections
 * at once gets exactly the limit accepted and a `throttled` error for every ask over it,
 * with nothing else for those asks; meanwhile another user of the SAME tenant is served.
 * The limit is the stack's real one (Pulumi.dev.yaml, or STACK_CONFIG), never lowered
 * for the test.
 */
import { readStackConfigFile } from "../../../infra/config-file";
import { stackConfigFile } from "../../support/stack/outputs";
import type { TestUser } from "../../support/stack/test-users";
import type { Answer, StackConnection } from "../../../scripts/stack-client/ws-client";
import { useHarness } from "./support/harness";

jest.setTimeout(120_000);

/** Over this, a burst of limit + OVER asks is too slow to be worth a test run. */
const MAX_TESTED_LIMIT = 200;
const OVER = 5;
const CONNECTIONS = 5;
/** The burst must be counted inside one window: start it with at least this much of the minute left. */
const WINDOW_MARGIN_MS = 12_000;
/** Allowance for the test machine's clock against the functions' clocks (AWS). */
const CLOCK_SKEW_MS = 2_000;

/** The same file the stack was built from (as stackTenants reads it). */
const limit = readStackConfigFile(stackConfigFile()).config.askRateLimit.perUserPerMinute;
const limitIt = limit <= MAX_TESTED_LIMIT ? it : it.skip;
if (limit > MAX_TESTED_LIMIT) process.stdout.write(`rate-limit: SKIPPED, askRateLimit ${limit}/min is above ${MAX_TESTED_LIMIT}\n`);

let flooder: TestUser;
let neighbour: TestUser;
const harness = useHarness("rate-limit", async (h) => {
  const tenantId = h.stack.tenants[0].id;
  flooder = await h.users.create(tenantId, "rl-flooder", 1);
  neighbour = await h.users.create(tenantId, "rl-neighbour", 1, 1);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits, if needed, until the current one-minute window has WINDOW_MARGIN_MS left and began CLOCK_SKEW_MS ago. */
async function startOfUsableWindow(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 60_000 - WINDOW_MARGIN_MS) await sleep(60_000 - intoMinute + CLOCK_SKEW_MS);
  else if (intoMinute < CLOCK_SKEW_MS) await sleep(CLOCK_SKEW_MS - intoMinute);
}

const wasAccepted = (answer: Answer) => answer.events.some((e) => e.type === "accepted");
const wasRateLimited = (answer: Answer) =>
  !wasAccepted(answer) && answer.outcome === "error" && answer.errorCode === "throttled" && /too many questions/.test(answer.errorMessage ?? "");

describe("per-user ask rate limit", () => {
  limitIt(`admits exactly the limit (${limit}/min) from one user over ${CONNECTIONS} connections, throttles the rest, and still serves another user of the same tenant`, async () => {
    const h = harness();
    const connections: StackConnection[] = [];
    for (let i = 0; i < CONNECTIONS; i++) connections.push(await h.connect(flooder));
    const neighbourConnection = await h.connect(neighbour);

    await startOfUsableWindow();
    const total = limit + OVER;
    const started = Date.now();
    const flood = Promise.all(
      Array.from({ length: total }, (_, i) =>
        connections[i % CONNECTIONS].ask(i % 2 ? "List my orders" : "What is the return policy?", { timeoutMs: 90_000 }),
      ),
    );
    // In the middle of the flood, a neighbour in the same tenant asks as usual.
    const served = await neighbourConnection.ask("List my orders", { timeoutMs: 90_000 });
    const answers = await flood;
    h.tally.attack("rate_limit/flood_one_user", total);
    process.stdout.write(`rate-limit: ${total} asks of one user over ${CONNECTIONS} connections answered in ${Date.now() - started} ms\n`);

    // I9 holds under the limit too: every ask ended, with done or error.
    for (const answer of answers) expect(["done", "error"]).toContain(answer.outcome);
    const accepted = answers.filter(wasAccepted);
    const limited = answers.filter(wasRateLimited);
    expect({ accepted: accepted.length, limited: limited.length }).toEqual({ accepted: limit, limited: OVER });
    // A throttled ask gets that one error and nothing else: no accepted, no status, no chunk, no answer.
    for (const answer of limited) {
      expect(answer.events).toEqual([{ type: "error", answerId: answer.answerId, code: "throttled", message: answer.errorMessage }]);
    }
    h.tally.honest(accepted.filter((a) => a.outcome === "done").length);

    expect(served.outcome).toBe("done");
    expect(served.text).toContain(neighbour.orders[0].canary);
    h.tally.honest();
    // Refused asks do not break the flooder's connections.
    await Promise.all(connections.map((c) => c.ping()));

    expect(h.leaks()).toEqual([]);
  });
});
