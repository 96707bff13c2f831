/**
 * TOOL_FUNCTIONS (the one tool schema) in the shape of the Bedrock action group's
 * functionSchema input. Pure, so the deployed schema is tested against the definition.
 */
import { TOOL_FUNCTIONS, type ToolFunction } from "../lambdas/action-group/function-schema";

export interface ActionGroupFunctionParameter {
  mapBlockKey: string;
  type: string;
  description: string;
  required: boolean;
}

export interface ActionGroupFunction {
  name: string;
  description: string;
  parameters: ActionGroupFunctionParameter[];
}

export function actionGroupFunctions(tools: readonly ToolFunction[] = TOOL_FUNCTIONS): ActionGroupFunction[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: Object.entries(tool.parameters).map(([key, p]) => ({
      mapBlockKey: key,
      type: p.type,
      description: p.description,
      required: p.required,
    })),
  }));
}
