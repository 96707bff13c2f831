/** infra/stack-config.ts: which pulumi.Config keys are read, and that they are validated. */
import { ConfigError } from "../../../infra/config";
import { collectStackConfig, STACK_CONFIG_KEYS } from "../../../infra/stack-config";

describe("collectStackConfig", () => {
  const tenants = [{ id: "t1", displayName: "T1", returnPolicyDays: 5, users: ["u1"] }];

  it("reads every key parseStackConfig knows and leaves absent ones to the defaults", () => {
    const asked: string[] = [];
    const config = collectStackConfig((key) => {
      asked.push(key);
      return key === "tenants" ? tenants : key === "logLevel" ? "WARN" : undefined;
    });
    expect(asked).toEqual([...STACK_CONFIG_KEYS]);
    expect(config).toMatchObject({ tenants, logLevel: "WARN", logRetentionDays: 14 });
  });

  it("validates what it read", () => {
    expect(() => collectStackConfig((key) => (key === "tenants" ? tenants : key === "logLevel" ? "LOUD" : undefined))).toThrow(
      ConfigError,
    );
    expect(() => collectStackConfig(() => undefined)).toThrow(/tenants/);
  });
});
