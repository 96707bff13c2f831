/**
 * Reads this project's `pulumi.Config` keys and validates them with parseStackConfig.
 * The keys are those of the config schema (config.ts STACK_CONFIG_SHAPE), so a new key is
 * read by `pulumi up` as soon as the schema has it. pulumi.Config cannot list keys, so
 * unknown keys (typos) are not seen here; the same `Pulumi.<stage>.yaml` goes through
 * readStackConfigFile (config-file.ts: local stack, tests), which rejects them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as z from "zod";
import { parseStackConfig, STACK_CONFIG_SHAPE, type StackConfig, type StackConfigKey } from "./config";

export const STACK_CONFIG_KEYS = Object.keys(STACK_CONFIG_SHAPE) as StackConfigKey[];

/** Pure: the values present under `read(key)`, validated. */
export function collectStackConfig(read: (key: StackConfigKey) => unknown): StackConfig {
  const values: Record<string, unknown> = {};
  for (const key of STACK_CONFIG_KEYS) {
    const value = read(key);
    if (value !== undefined) values[key] = value;
  }
  return parseStackConfig(values);
}

/** The schema under its default/optional wrappers. */
function innermost(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}

/** Keys whose value is a string: Pulumi stores those raw, not as JSON. */
export function isStringValued(key: StackConfigKey): boolean {
  const inner = innermost(STACK_CONFIG_SHAPE[key]);
  return inner instanceof z.ZodString || inner instanceof z.ZodEnum;
}

/**
 * getObject parses the stored JSON of structured values, so numbers and booleans keep
 * their types and parseStackConfig sees what the YAML said.
 */
export function loadStackConfig(config: pulumi.Config = new pulumi.Config()): StackConfig {
  return collectStackConfig((key) => (isStringValued(key) ? config.get(key) : config.getObject<unknown>(key)));
}
