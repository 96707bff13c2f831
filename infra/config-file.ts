/**
 * Reads `Pulumi.<stage>.yaml` from disk for the local stack, the tests and the tools
 * (the Pulumi program reads the same values through pulumi.Config: stack-config.ts).
 * The only file-system access of the configuration; parsing stays in config.ts.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseStackConfig, PROJECT, type StackConfig } from "./config";

/**
 * Read `Pulumi.<stage>.yaml` the way Pulumi does: keys under `config:`; this project's
 * keys carry the `multi-tenant-assistant:` namespace, others (e.g. `aws:region`) are returned apart.
 */
export function readStackConfigFile(path: string): { config: StackConfig; region?: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`]);
  }
  const configBlock = (doc as { config?: unknown } | null)?.config;
  if (typeof configBlock !== "object" || configBlock === null) {
    throw new ConfigError([`${path} has no "config:" mapping`]);
  }
  const values: Record<string, unknown> = {};
  let region: string | undefined;
  for (const [key, value] of Object.entries(configBlock)) {
    if (key === "aws:region") region = String(value);
    else if (key.startsWith(`${PROJECT}:`)) values[key.slice(PROJECT.length + 1)] = value;
    else if (!key.includes(":")) values[key] = value;
  }
  try {
    return { config: parseStackConfig(values), region };
  } catch (error) {
    // The same problems, naming the file (`npm start -- --config FILE` may run any of several).
    if (error instanceof ConfigError) throw new ConfigError(error.problems, path);
    throw error;
  }
}
