/**
 * Which users the local agent treats as compromised. The red team switches a RUNNING
 * stack (perhaps one a developer is also chatting with in the browser), so the
 * compromised agent is scoped to the attacker test users it names; everyone else always
 * gets the honest agent. Whose turn a request is: local/bedrock/agent-runtime.ts
 * `turnUserId`. Pure: no I/O.
 */
import type { AgentMode } from "../bedrock/agent-planner";

/** A compromised setting names at most this many users (the red team's attackers). */
export const MAX_COMPROMISED_USERS = 100;

export type AgentModeSetting = { mode: "honest" } | { mode: "compromised"; userIds: readonly string[] };

export const HONEST: AgentModeSetting = { mode: "honest" };

/** The mode for one user's turn: compromised only for a user the setting names. */
export function agentModeFor(setting: AgentModeSetting, userId: string | undefined): AgentMode {
  if (setting.mode === "honest" || userId === undefined) return "honest";
  const wanted = userId.toLowerCase();
  return setting.userIds.some((id) => id.toLowerCase() === wanted) ? "compromised" : "honest";
}
