/**
 * The stack configuration the integration suite boots its local stack from: the demo
 * configuration (Pulumi.dev.yaml) with a token budget on its last tenant, so every ask of
 * that tenant goes through the budget reservation (I21) and the usage scenario can use it
 * up. The limits are far above what the other test files spend in a run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { PROJECT } from "../../infra/config";

export const SUITE_BUDGET = { monthlyTokens: 50_000_000, dailyTokens: 5_000_000, userDailyTokens: 200_000 };

/** Writes the suite's configuration into `dir` and returns its path. */
export function writeSuiteConfig(demoConfigFile: string, dir: string): string {
  const doc = parseYaml(readFileSync(demoConfigFile, "utf8")) as { config: Record<string, unknown> };
  const tenants = doc.config[`${PROJECT}:tenants`] as Array<Record<string, unknown>>;
  tenants[tenants.length - 1] = { ...tenants[tenants.length - 1], budget: SUITE_BUDGET };
  const file = join(dir, "suite-stack-config.yaml");
  writeFileSync(file, stringifyYaml(doc));
  return file;
}
