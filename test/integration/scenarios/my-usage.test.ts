/**
 * "How many questions have I asked today?" (getMyUsage, I23) against a stack: the action
 * group reads the caller's own usage counters with the tenant-scoped credentials (the IAM
 * gate evaluates the `<tenantId>#<sub>` LeadingKeys condition), and the answer carries the
 * caller's numbers, never another user's of the same tenant. The counters are seeded by the
 * operator (a metered answer only ever adds to them), with values no one else has.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { userDayKey } from "../../../lambdas/common/usage-keys";
import type { TestUser } from "../../support/stack/test-users";
import { useHarness } from "../redteam/support/harness";

jest.setTimeout(60_000);

const OWN = { asks: 4, inputTokens: 123_456, outputTokens: 7_891 };
const NEIGHBOUR = { asks: 40, inputTokens: 987_654_321, outputTokens: 55_555_555 };

let asker: TestUser;
let neighbour: TestUser;
const harness = useHarness("my-usage", async (h) => {
  const tenant = h.stack.tenants[0].id;
  asker = await h.users.create(tenant, "usage-asker", 0);
  neighbour = await h.users.create(tenant, "usage-neighbour", 0);
  const table = h.stack.outputs.usageTableName;
  const now = new Date();
  for (const [user, counts] of [[asker, OWN], [neighbour, NEIGHBOUR]] as const) {
    await h.stack.dynamo.send(new PutCommand({ TableName: table, Item: { ...userDayKey(user.tenantId, user.sub, now), ...counts } }));
  }
});

describe("a user's own usage (getMyUsage)", () => {
  it("answers with the caller's own counters today, read with the scoped credentials, and nobody else's", async () => {
    const connection = await harness().connect(asker);
    const answer = await connection.ask("How many questions have I asked today?");
    expect(answer.outcome).toBe("done");
    const match = /You have asked (\d+) questions? today \(UTC\), using (\d+) input and (\d+) output tokens/.exec(answer.text);
    expect(match).not.toBeNull();
    const [asks, input, output] = match!.slice(1).map(Number);
    // At least the seeded numbers (metering may have added this very answer's ask), far below the neighbour's.
    expect(asks).toBeGreaterThanOrEqual(OWN.asks);
    expect(asks).toBeLessThan(NEIGHBOUR.asks);
    expect(input).toBeGreaterThanOrEqual(OWN.inputTokens);
    expect(input).toBeLessThan(NEIGHBOUR.inputTokens);
    expect(output).toBeGreaterThanOrEqual(OWN.outputTokens);
    expect(answer.text).not.toContain(String(NEIGHBOUR.inputTokens));
    expect(harness().leaks()).toEqual([]);
  });
});
