/**
 * The action group's function schema: the one definition that the Pulumi agent
 * (infra/components/agent.ts), the local Bedrock stand-in's planner and the resolver's tool
 * registrations all read. No tool takes a tenantId or userId parameter (I1):
 * identity comes only from sessionAttributes.
 */

export const ACTION_GROUP_NAME = "tenant-orders";

export interface ToolParameter {
  type: "string" | "number" | "integer" | "boolean" | "array";
  description: string;
  required: boolean;
}

export interface ToolFunction {
  name: string;
  description: string;
  parameters: Record<string, ToolParameter>;
}

export const TOOL_FUNCTIONS = [
  {
    name: "getReturnPolicy",
    description: "Returns the return policy (number of days to return an item) of the signed-in user's company.",
    parameters: {},
  },
  {
    name: "listOrders",
    description: "Lists the orders the signed-in user has placed, newest first.",
    parameters: {},
  },
  {
    name: "getOrder",
    description: "Returns one order of the signed-in user by its order id, and whether it can still be returned.",
    parameters: {
      orderId: { type: "string", description: "The id of the order, as shown by listOrders.", required: true },
    },
  },
  {
    name: "getMyUsage",
    description:
      "Returns how many questions the signed-in user has asked and the model tokens their answers used, today and this month (UTC days). Only the user's own usage.",
    parameters: {},
  },
] as const satisfies readonly ToolFunction[];

/** Derived from the schema: a tool added there must get an implementation (tools.ts). */
export type ToolName = (typeof TOOL_FUNCTIONS)[number]["name"];
