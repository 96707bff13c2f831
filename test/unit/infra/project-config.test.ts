/**
 * Pulumi.yaml declares every key infra/config.ts accepts: typed (`config:`) where Pulumi can
 * type it, described (`template.config`) where it cannot, and nothing config.ts would refuse.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { parse } from "yaml";
import { PROJECT, STACK_CONFIG_SHAPE } from "../../../infra/config";
import { STACK_CONFIG_KEYS } from "../../../infra/stack-config";

interface Declaration {
  type?: string;
  description?: string;
}
const project = parse(readFileSync(join(__dirname, "../../../Pulumi.yaml"), "utf8")) as {
  name: string;
  config?: Record<string, Declaration>;
  template?: { config?: Record<string, Declaration> };
};
const typed = project.config ?? {};
const described = Object.fromEntries(
  Object.entries(project.template?.config ?? {}).map(([key, value]) => [key.replace(`${PROJECT}:`, ""), value]),
);

/** The type Pulumi.yaml can declare for a schema, or undefined for a structured value. */
function pulumiType(schema: z.ZodType): string | undefined {
  let inner = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  if (inner instanceof z.ZodString || inner instanceof z.ZodEnum) return "string";
  if (inner instanceof z.ZodBoolean) return "boolean";
  if (inner instanceof z.ZodNumber) return inner.format === "safeint" || inner.isInt ? "integer" : undefined;
  return undefined;
}

describe("Pulumi.yaml config", () => {
  it("is this project's file", () => {
    expect(project.name).toBe(PROJECT);
  });

  it("declares exactly the keys config.ts accepts, each once, typed or described", () => {
    const declared = [...Object.keys(typed), ...Object.keys(described)];
    expect(declared.sort()).toEqual([...STACK_CONFIG_KEYS].sort());
    expect(new Set(declared).size).toBe(declared.length);
  });

  it("types every key Pulumi can type, with the type of the schema, and describes every key", () => {
    for (const key of STACK_CONFIG_KEYS) {
      const type = pulumiType(STACK_CONFIG_SHAPE[key]);
      const declaration = typed[key] ?? described[key];
      expect({ key, type: typed[key]?.type }).toEqual({ key, type });
      expect({ key, description: (declaration?.description ?? "").length > 20 }).toEqual({ key, description: true });
    }
  });
});
