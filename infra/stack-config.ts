/**
 * Reads this project's `pulumi.Config` keys and validates them with parseStackConfig.
 * pulumi.Config cannot list keys, so unknown keys (typos) are not seen here; the same
 * `Pulumi.<stage>.yaml` goes through readStackConfigFile (local stack, tests), which
 * rejects them.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "./config";

/** Every key parseStackConfig knows; the ones a stack may set. */
export const STACK_CONFIG_KEYS = [
  "tenants",
  "modelId",
  "logRetentionDays",
  "pointInTimeRecovery",
  "deletionProtection",
  "throttle",
  "askThrottle",
  "askRateLimit",
  "reservedConcurrency",
  "logLevel",
] as const;

/** Pure: the values present under `read(key)`, validated. */
export function collectStackConfig(read: (key: string) => unknown): StackConfig {
  const values: Record<string, unknown> = {};
  for (const key of STACK_CONFIG_KEYS) {
    const value = read(key);
    if (value !== undefined) values[key] = value;
  }
  return parseStackConfig(values);
}

/** String-valued keys: Pulumi stores them raw, so they are not JSON. */
const STRING_KEYS: ReadonlySet<string> = new Set(["modelId", "logLevel"]);

/**
 * getObject parses the stored JSON of structured values, so numbers and booleans keep
 * their types and parseStackConfig sees what the YAML said.
 */
export function loadStackConfig(config: pulumi.Config = new pulumi.Config()): StackConfig {
  return collectStackConfig((key) => (STRING_KEYS.has(key) ? config.get(key) : config.getObject<unknown>(key)));
}
