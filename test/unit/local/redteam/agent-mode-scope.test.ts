/**
 * The compromised agent is scoped to named attacker users; everyone else, and any turn
 * that names no user, gets the honest agent (whose turn it is: test/unit/local/bedrock).
 */
import { agentModeFor, HONEST, type AgentModeSetting } from "../../../../local/redteam/agent-mode-scope";

const ATTACKER = "aaaaaaaa-1111-2222-3333-444444444444";
const BYSTANDER = "bbbbbbbb-1111-2222-3333-444444444444";

describe("agentModeFor", () => {
  const compromised: AgentModeSetting = { mode: "compromised", userIds: [ATTACKER] };

  it("is compromised for a named attacker only", () => {
    expect(agentModeFor(compromised, ATTACKER)).toBe("compromised");
    expect(agentModeFor(compromised, ATTACKER.toUpperCase())).toBe("compromised");
    expect(agentModeFor(compromised, BYSTANDER)).toBe("honest");
    expect(agentModeFor(compromised, undefined)).toBe("honest");
  });

  it("is honest for everyone once cleared", () => {
    expect(agentModeFor(HONEST, ATTACKER)).toBe("honest");
    expect(agentModeFor(HONEST, undefined)).toBe("honest");
  });
});
