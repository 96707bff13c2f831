/** infra/config-file.ts: Pulumi.<stage>.yaml read as Pulumi reads it, each problem one clear error. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigError } from "../../../infra/config";
import { readStackConfigFile } from "../../../infra/config-file";

describe("readStackConfigFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "mta-config-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("reads the repository's Pulumi.dev.yaml", () => {
    const { config, region } = readStackConfigFile(join(__dirname, "../../../Pulumi.dev.yaml"));
    expect(region).toBe("us-east-1");
    expect(config.tenants.map((t) => [t.id, t.returnPolicyDays])).toEqual([
      ["tenant1", 10],
      ["tenant2", 20],
      ["tenant3", 30],
    ]);
    expect(config.askRateLimit.perUserPerMinute).toBeGreaterThanOrEqual(1);
  });

  it("catches an unknown namespaced key (what pulumi.Config cannot list)", () => {
    const path = file(
      "typo.yaml",
      "config:\n  multi-tenant-assistant:tenants:\n    - {id: t1, displayName: T, returnPolicyDays: 1, users: [u1]}\n  multi-tenant-assistant:modelid: x\n",
    );
    expect(() => readStackConfigFile(path)).toThrow(/unknown key\(s\) modelid/);
  });

  it("refuses a malformed budget in a file given to npm start --config with one line naming the key", () => {
    const tenant = (id: string, budget: string) =>
      `    - {id: ${id}, displayName: T, returnPolicyDays: 1, users: [u-${id}]${budget ? `, budget: ${budget}` : ""}}\n`;
    const path = file("budget.yaml", `config:\n  multi-tenant-assistant:tenants:\n${tenant("t1", "")}${tenant("t2", "{dailyTokens: 5000, userDailyTokens: lots}")}`);
    let problems: readonly string[] = [];
    try {
      readStackConfigFile(path);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(["tenants[1].budget.userDailyTokens: must be a positive whole number"]);
    // What npm start prints: one line naming the file and the key.
    expect(() => readStackConfigFile(path)).toThrow(
      new Error(`invalid stack configuration in ${path}: tenants[1].budget.userDailyTokens: must be a positive whole number`),
    );
    // The same file with a good budget is taken as written.
    const good = file("budget-ok.yaml", `config:\n  multi-tenant-assistant:tenants:\n${tenant("t1", "")}${tenant("t2", "{dailyTokens: 5000, userDailyTokens: 500}")}`);
    expect(readStackConfigFile(good).config.tenants[1].budget).toEqual({ dailyTokens: 5000, userDailyTokens: 500 });
  });

  it("reports a missing file and bad YAML without a stack trace in the message", () => {
    expect(() => readStackConfigFile(join(dir, "missing.yaml"))).toThrow(/cannot read .*missing\.yaml: ENOENT/);
    expect(() => readStackConfigFile(file("bad.yaml", "config: [unclosed"))).toThrow(/is not valid YAML/);
    expect(() => readStackConfigFile(file("empty.yaml", "other: 1\n"))).toThrow(/has no "config:" mapping/);
  });
});
