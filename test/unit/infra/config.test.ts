/** infra/config.ts: each configuration mistake gets its own clear error. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, DEFAULT_MODEL_ID, parseStackConfig, readStackConfigFile } from "../../../infra/config";

const tenant = (id: string, users: string[] = [`${id}-user`], returnPolicyDays: unknown = 10) => ({
  id,
  displayName: `Tenant ${id}`,
  returnPolicyDays,
  users,
});

function problemsOf(values: Record<string, unknown>): string[] {
  try {
    parseStackConfig(values);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe("invalid_config");
    return [...(error as ConfigError).problems];
  }
  throw new Error("expected a ConfigError");
}

describe("parseStackConfig", () => {
  it("accepts a minimal config and fills the defaults", () => {
    const config = parseStackConfig({ tenants: [tenant("tenant1")] });
    expect(config).toMatchObject({
      modelId: DEFAULT_MODEL_ID,
      logRetentionDays: 14,
      pointInTimeRecovery: false,
      deletionProtection: false,
      throttle: { burstLimit: 100, rateLimit: 50 },
      logLevel: "INFO",
    });
    expect(config.tenants[0].id).toBe("tenant1");
  });

  it("rejects an unknown key (a typo must not fall back to a default)", () => {
    expect(problemsOf({ tenants: [tenant("tenant1")], logRetentionDay: 7 })).toEqual([
      expect.stringMatching(/unknown key\(s\) logRetentionDay/),
    ]);
  });

  it("rejects an unknown key inside a tenant", () => {
    expect(problemsOf({ tenants: [{ ...tenant("tenant1"), returnDays: 3 }] })).toEqual([
      expect.stringMatching(/^tenants\.0: unknown key\(s\) returnDays/),
    ]);
  });

  it("rejects a duplicate tenant and a user configured twice", () => {
    const problems = problemsOf({ tenants: [tenant("tenant1", ["alice"]), tenant("tenant1", ["alice"])] });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/tenants\.1\.id: duplicate tenant "tenant1"/),
        expect.stringMatching(/tenants\.1\.users\.0: duplicate user "alice"/),
      ]),
    );
  });

  it.each(["Tenant1", "-t1", "t1-", "t_1", "", "a".repeat(33), "t1/../t2"])("rejects the tenant id %p", (id) => {
    expect(problemsOf({ tenants: [tenant(id, ["someone"])] })).toEqual([expect.stringMatching(/^tenants\.0\.id: tenant id must be/)]);
  });

  it.each([
    [-1, /between 0 and 365/],
    [366, /between 0 and 365/],
    [1.5, /whole number/],
    ["10", /must be a number/],
  ])("rejects returnPolicyDays %p", (days, message) => {
    expect(problemsOf({ tenants: [tenant("tenant1", ["u1"], days)] })).toEqual([
      expect.stringMatching(new RegExp(`^tenants\\.0\\.returnPolicyDays: .*${message.source}`)),
    ]);
  });

  it("rejects no tenants, a bad log retention and a bad username", () => {
    expect(problemsOf({ tenants: [] })).toEqual([expect.stringMatching(/at least one tenant/)]);
    expect(problemsOf({ tenants: [tenant("t1")], logRetentionDays: 10 })).toEqual([
      expect.stringMatching(/logRetentionDays must be a CloudWatch retention value/),
    ]);
    expect(problemsOf({ tenants: [tenant("t1", ["Bad User"])] })).toEqual([expect.stringMatching(/username must be/)]);
  });
});

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
