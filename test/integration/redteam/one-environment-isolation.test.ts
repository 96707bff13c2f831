/**
 * Red team: users of two tenants whose tool calls all run in ONE action-group execution
 * environment, alternately, through its one tenant-data client (I3, I4,
 * lambdas/common/scoped-dynamodb.ts). Each request must be signed with the keys of the
 * session it serves: signed with the previous caller's keys (another tenant's session
 * tags) or with the function's own role, the IAM gate would deny the read and the answer
 * would carry no data of the caller's. So each answer must carry the caller's own canary
 * and tenant, and nobody else's.
 *
 * Local only: the red-team control reloads the action group's bundle, which leaves the
 * function with exactly one warm environment; the asks are sequential, so every tool call
 * finds that environment idle, and the stand-ins' counts prove no other was started.
 */
import { getCallCounts } from "../../../local/redteam/control-server";
import { countsSince, type CallCounts } from "../../../local/runtime/call-counter";
import { LOCAL_ONLY, stackHasControls } from "../../support/stack/outputs";
import { foreignCanaries, type TestUser } from "../../support/stack/test-users";
import { useHarness } from "./support/harness";

jest.setTimeout(120_000);

const HAS_CONTROLS = stackHasControls();
const localIt = HAS_CONTROLS ? it : it.skip;
if (!HAS_CONTROLS) process.stdout.write(`one-environment-isolation: ${LOCAL_ONLY}\n`);

let users: TestUser[] = [];
const harness = useHarness("one-environment-isolation", async (h) => {
  const [first, second] = h.stack.tenants;
  users = [await h.users.create(first.id, "oe-a", 1), await h.users.create(second.id, "oe-b", 1)];
  if (!HAS_CONTROLS) h.tally.skipped("one action-group environment (local only)");
});

async function counts(): Promise<CallCounts> {
  const outputs = harness().stack.outputs;
  return getCallCounts(outputs.endpoints!.control!, outputs.controlToken!);
}

/** Lambda operations of the action-group function (`<operation>:<function name>`). */
function actionGroupCalls(calls: CallCounts, operation: string): number {
  return Object.entries(calls.lambda)
    .filter(([key]) => key.startsWith(`${operation}:`) && key.endsWith("action-group"))
    .reduce((sum, [, tally]) => sum + tally.calls, 0);
}

describe("one action-group environment, two tenants' users", () => {
  localIt("signs every tool call with its own caller's session: each answer has the caller's data and nobody else's", async () => {
    const h = harness();
    expect(users[0].tenantId).not.toBe(users[1].tenantId);
    const policyDays = new Map(h.stack.tenants.map((t) => [t.id, t.returnPolicyDays]));
    // Reloading the bundle leaves one environment, started at once (before the count).
    await h.control!.setActionGroupVariant("default");
    const connections = await Promise.all(users.map((u) => h.connect(u)));
    const before = await counts();

    for (let round = 0; round < 2; round++) {
      for (const [i, user] of users.entries()) {
        const orders = await connections[i].ask("List my orders");
        expect(orders.outcome).toBe("done");
        expect(orders.text).toContain(user.orders[0].canary);
        for (const canary of foreignCanaries(user, users)) expect(orders.text).not.toContain(canary);
        const policy = await connections[i].ask("What is the return policy?");
        expect(policy.outcome).toBe("done");
        expect(policy.text).toContain(`${policyDays.get(user.tenantId)} days`);
        h.tally.honest(2);
      }
    }

    const calls = countsSince(await counts(), before);
    // Every tool call ran in the one environment: 8 invocations, no environment started.
    expect(actionGroupCalls(calls, "Invoke")).toBe(8);
    expect(actionGroupCalls(calls, "ColdStart")).toBe(0);
    for (const connection of connections) await connection.close();
    expect(h.leaks()).toEqual([]);
  });
});
