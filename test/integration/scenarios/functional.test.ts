/**
 * Functional scenarios against the stack under test (local by default, any stack via
 * STACK_OUTPUTS): the demo questions per tenant, orders added and listed, and
 * conversation memory within a conversationId and none across conversations or users.
 * Every connection is watched: no event may carry another user's canary.
 */
import type { TestUser } from "../../support/stack/test-users";
import { newId } from "../../../scripts/stack-client/ws-client";
import { useHarness } from "../redteam/support/harness";

jest.setTimeout(60_000);

let users: TestUser[] = [];
const harness = useHarness("functional", async (h) => {
  users = await h.users.createPerTenant({ perTenant: 2, orders: 2, tag: "fn" });
});

const firstOf = (tenantId: string) => users.find((u) => u.tenantId === tenantId)!;

describe("demo questions per tenant", () => {
  it("answers the return policy of each tenant with the configured number of days", async () => {
    const h = harness();
    expect(h.stack.tenants.length).toBeGreaterThanOrEqual(2);
    for (const tenant of h.stack.tenants) {
      const user = firstOf(tenant.id);
      const connection = await h.connect(user);
      const answer = await connection.ask("What is the return policy?");
      expect(answer.outcome).toBe("done");
      expect(answer.text).toContain(`${tenant.returnPolicyDays} days`);
      // No other tenant's number of days in this tenant's answer.
      for (const other of h.stack.tenants.filter((t) => t.returnPolicyDays !== tenant.returnPolicyDays)) {
        expect(answer.text).not.toContain(`${other.returnPolicyDays} days`);
      }
      h.tally.honest();
      await connection.close();
    }
  });

  it("greets and explains what it can do without calling a tool", async () => {
    const h = harness();
    const connection = await h.connect(users[0]);
    const answer = await connection.ask("Hello!");
    expect(answer.outcome).toBe("done");
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.statuses).toEqual([]);
    h.tally.honest();
    await connection.ping();
  });
});

describe("orders", () => {
  it("lists exactly the user's own orders, with tool progress, and nobody else's", async () => {
    const h = harness();
    for (const user of users) {
      const connection = await h.connect(user);
      const answer = await connection.ask("List my orders");
      expect(answer.outcome).toBe("done");
      for (const order of user.orders) {
        expect(answer.text).toContain(order.orderId);
        expect(answer.text).toContain(order.canary);
      }
      for (const other of users.filter((u) => u.sub !== user.sub)) {
        for (const canary of other.canaries) expect(answer.text).not.toContain(canary);
      }
      expect(answer.statuses.length).toBeGreaterThan(0);
      h.tally.honest();
      await connection.close();
    }
  });

  it("shows an order added while connected, and one order with its return window", async () => {
    const h = harness();
    const user = users[1];
    const connection = await h.connect(user);
    const added = await h.users.addOrder(user, 1);
    const list = await connection.ask("What are my orders?");
    expect(list.outcome).toBe("done");
    expect(list.text).toContain(added.orderId);
    expect(list.text).toContain(added.canary);
    const one = await connection.ask(`Can I still return order ${added.orderId}?`);
    expect(one.outcome).toBe("done");
    expect(one.text).toContain(added.orderId);
    expect(one.text).toMatch(/can be returned until \d{4}-\d{2}-\d{2}/);
    h.tally.honest(2);
  });

  it("does not find an order id that does not exist", async () => {
    const h = harness();
    const connection = await h.connect(users[2]);
    const answer = await connection.ask("Show me order ord-does-not-exist-42");
    expect(answer.outcome).toBe("done");
    expect(answer.text).toMatch(/couldn't find/i);
    h.tally.honest();
  });
});

describe("conversation memory", () => {
  it("remembers within a conversationId, and not across conversations or users", async () => {
    const h = harness();
    const [alice, bob] = users.filter((u) => u.tenantId === users[0].tenantId);
    const aliceConnection = await h.connect(alice);
    const bobConnection = await h.connect(bob);
    const conversationId = newId();
    const marker = `reference ${newId()}`;

    const first = await aliceConnection.ask(`What is the return policy? ${marker}`, { conversationId });
    expect(first.outcome).toBe("done");

    // Right after the marker question, Bob names Alice's conversation: were the agent session
    // bound to the conversation only (not the sub, I5), his recall would be her marker question.
    const intruding = await bobConnection.ask("What did I just ask?", { conversationId });
    expect(intruding.outcome).toBe("done");
    expect(intruding.text).not.toContain(marker);

    const recalled = await aliceConnection.ask("What did I just ask?", { conversationId });
    expect(recalled.outcome).toBe("done");
    expect(recalled.text).toContain(marker);

    const fresh = await aliceConnection.ask("What did I just ask?", { conversationId: newId() });
    expect(fresh.outcome).toBe("done");
    expect(fresh.text).not.toContain(marker);

    // Bob names Alice's conversation: the session is derived from HIS sub, so it is empty.
    const foreign = await bobConnection.ask("What did I just ask?", { conversationId });
    expect(foreign.outcome).toBe("done");
    expect(foreign.text).not.toContain(marker);
    expect(bobConnection.frames.some((f) => f.raw.includes(marker))).toBe(false);
    h.tally.honest(4);
  });
});

describe("canaries", () => {
  it("no event on any connection of this file carried another user's canary", () => {
    expect(harness().leaks()).toEqual([]);
  });
});
