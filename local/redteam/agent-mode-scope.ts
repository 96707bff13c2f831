/**
 * Which users the local agent treats as compromised. The red team switches a RUNNING
 * stack (perhaps one a developer is also chatting with in the browser), so the
 * compromised agent is scoped to the attacker test users it names; everyone else always
 * gets the honest agent. Pure: no I/O.
 */
import { SUB_PATTERN } from "../../lambdas/shared/identifiers";
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

/**
 * Whose turn an InvokeAgent request is: the sessionAttributes' userId (the identity the
 * action group acts for), else the sub that prefixes the session id (`<sub>.<conversation>`).
 * Undefined when neither is a Cognito sub, which `agentModeFor` answers with honest.
 */
export function turnUserId(sessionAttributes: Readonly<Record<string, string>> | undefined, sessionId: string): string | undefined {
  const fromAttributes = sessionAttributes?.userId;
  if (fromAttributes !== undefined) return SUB_PATTERN.test(fromAttributes) ? fromAttributes : undefined;
  const prefix = sessionId.split(".")[0];
  return SUB_PATTERN.test(prefix) ? prefix : undefined;
}
