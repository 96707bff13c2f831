import { TOOL_FUNCTIONS } from "../../../lambdas/action-group/function-schema";
import { actionGroupFunctions } from "../../../infra/agent-function-schema";

describe("actionGroupFunctions", () => {
  it("maps every tool and parameter of TOOL_FUNCTIONS", () => {
    const functions = actionGroupFunctions();
    expect(functions.map((f) => f.name)).toEqual(TOOL_FUNCTIONS.map((t) => t.name));
    expect(functions.find((f) => f.name === "getOrder")?.parameters).toEqual([
      { mapBlockKey: "orderId", type: "string", description: expect.any(String), required: true },
    ]);
  });

  it("never offers the model an identity parameter (I1)", () => {
    const keys = actionGroupFunctions().flatMap((f) => f.parameters.map((p) => p.mapBlockKey.toLowerCase()));
    for (const forbidden of ["tenantid", "userid", "sub", "username"]) expect(keys).not.toContain(forbidden);
  });
});
