/** infra/config-file.ts: Pulumi.<stage>.yaml read as Pulumi reads it, each problem one clear error. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("reports a missing file and bad YAML without a stack trace in the message", () => {
    expect(() => readStackConfigFile(join(dir, "missing.yaml"))).toThrow(/cannot read .*missing\.yaml: ENOENT/);
    expect(() => readStackConfigFile(file("bad.yaml", "config: [unclosed"))).toThrow(/is not valid YAML/);
    expect(() => readStackConfigFile(file("empty.yaml", "other: 1\n"))).toThrow(/has no "config:" mapping/);
  });
});
