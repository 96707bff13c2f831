/**
 * One test file's setup and teardown against the stack under test: operator clients,
 * its own users (removed afterwards, also after a failure), every connection watched
 * for leaks, and its part of the red-team figures.
 */
import type { AgentModeSetting } from "../../../../local/redteam/agent-mode-scope";
import { postControl, type ActionGroupVariant } from "../../../../local/redteam/control-server";
import { connectStack, type StackUnderTest } from "../../../support/stack/aws-clients";
import { TestUserFactory, type TestUser } from "../../../support/stack/test-users";
import { closeAll, connectAs, openedConnections, type StackConnection } from "../../../../scripts/stack-client/ws-client";
import { canaryMap, findLeaks, type Leak } from "./leak-watch";
import { RedTeamTally, reportTally } from "./tally";

export interface Harness {
  stack: StackUnderTest;
  users: TestUserFactory;
  tally: RedTeamTally;
  /** Opens a connection the way the page does, as `user`. */
  connect(user: TestUser, options?: { query?: string }): Promise<StackConnection>;
  /** Leaks over every connection of this file so far. */
  leaks(): Leak[];
  /**
   * Local test controls; undefined on stacks without them. The compromised agent is
   * scoped to the attacker users named, so a developer chatting with the same running
   * stack keeps the honest agent.
   */
  control: { setAgentMode(setting: AgentModeSetting): Promise<void>; setActionGroupVariant(variant: ActionGroupVariant): Promise<void> } | undefined;
}

export function useHarness(tag: string, setup?: (h: Harness) => Promise<void>): () => Harness {
  let harness: Harness | undefined;

  beforeAll(async () => {
    const stack = connectStack();
    const users = new TestUserFactory(stack);
    const controlUrl = stack.outputs.endpoints?.control;
    const controlToken = stack.outputs.controlToken;
    harness = {
      stack,
      users,
      tally: new RedTeamTally(),
      connect: (user, options) => connectAs(stack.outputs, user, options),
      leaks: () => findLeaks(openedConnections, canaryMap(users.users)),
      control:
        controlUrl && controlToken
          ? {
              setAgentMode: (setting) => postControl(controlUrl, controlToken, { path: "/agent-mode", body: setting }),
              setActionGroupVariant: (variant) => postControl(controlUrl, controlToken, { path: "/action-group", body: { variant } }),
            }
          : undefined,
    };
    if (setup) await setup(harness);
  }, 120_000);

  afterAll(async () => {
    if (!harness) return;
    const h = harness;
    try {
      // Whatever a test left behind, the stack goes back to its honest configuration.
      if (h.control) {
        await h.control.setAgentMode({ mode: "honest" }).catch(() => undefined);
        await h.control.setActionGroupVariant("default").catch(() => undefined);
      }
      await closeAll();
      const leaks = h.leaks();
      h.tally.leaks(leaks.length);
      for (const leak of leaks) process.stdout.write(`LEAK ${leak.kind} to ${leak.receiver}: ${leak.detail}\n`);
    } finally {
      const problems = await h.users.cleanup();
      if (problems.length) process.stdout.write(`cleanup problems: ${problems.join("; ")}\n`);
      reportTally(tag, h.tally);
      h.stack.destroy();
    }
  }, 120_000);

  return () => {
    if (!harness) throw new Error("harness used before beforeAll");
    return harness;
  };
}
