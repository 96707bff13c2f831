/**
 * infra/stack-config.ts: `pulumi up` reads every key of the config schema from
 * pulumi.Config, each in the form Pulumi stores it, and sees what the YAML file says.
 */
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ConfigError, parseStackConfig, PROJECT, STACK_CONFIG_SHAPE } from "../../../infra/config";
import { readStackConfigFile } from "../../../infra/config-file";
import { collectStackConfig, isStringValued, loadStackConfig, STACK_CONFIG_KEYS } from "../../../infra/stack-config";
import { installMocks } from "./pulumi-mocks";

const tenants = [{ id: "t1", displayName: "T1", returnPolicyDays: 5, users: ["u1"] }];

/** A value for every key, none of them the default, so a key that is not read shows. */
const EVERY_KEY: Record<string, unknown> = {
  tenants,
  modelId: "anthropic.claude-3-haiku-20240307-v1:0",
  logRetentionDays: 30,
  pointInTimeRecovery: true,
  deletionProtection: true,
  throttle: { burstLimit: 40, rateLimit: 20 },
  askThrottle: { burstLimit: 4, rateLimit: 2 },
  askRateLimit: { perUserPerMinute: 7 },
  reservedConcurrency: { chat: 3, authorizer: 2 },
  logLevel: "WARN",
  tokenValidityMinutes: 30,
  temporaryPasswordValidityDays: 2,
  alarms: { budgetShare: 0.8, snsTopicArn: "arn:aws:sns:us-east-1:123456789012:budget-alerts" },
  usage: { retentionDays: 30, reserveTokensPerAnswer: 500 },
  offboardingTrail: true,
  accessLogs: true,
  manageApiGatewayAccountRole: true,
};

describe("STACK_CONFIG_KEYS", () => {
  it("are the schema's keys, so a new schema key is read without another list to update", () => {
    expect([...STACK_CONFIG_KEYS].sort()).toEqual(Object.keys(STACK_CONFIG_SHAPE).sort());
    expect(Object.keys(EVERY_KEY).sort()).toEqual([...STACK_CONFIG_KEYS].sort());
  });

  it("knows which keys Pulumi stores as raw strings", () => {
    expect(STACK_CONFIG_KEYS.filter(isStringValued).sort()).toEqual(["logLevel", "modelId"]);
  });
});

describe("loadStackConfig (pulumi.Config under runtime mocks)", () => {
  beforeAll(async () => {
    await installMocks(PROJECT, "test");
    // As `pulumi config set` stores them: strings raw, everything else as JSON text.
    pulumi.runtime.setAllConfig(
      Object.fromEntries(
        Object.entries(EVERY_KEY).map(([key, value]) => [`${PROJECT}:${key}`, typeof value === "string" ? value : JSON.stringify(value)]),
      ),
    );
  });

  it("reads every key of the schema, each differing from its default", () => {
    const loaded = loadStackConfig(new pulumi.Config(PROJECT));
    expect(loaded).toEqual(parseStackConfig(EVERY_KEY));
    const defaults = parseStackConfig({ tenants });
    for (const key of STACK_CONFIG_KEYS.filter((k) => k !== "tenants")) {
      expect({ key, value: loaded[key] }).not.toEqual({ key, value: defaults[key] });
    }
  });

  it("sees what readStackConfigFile sees in the same Pulumi.<stage>.yaml", () => {
    const file = join(mkdtempSync(join(tmpdir(), "mta-stack-config-")), "Pulumi.test.yaml");
    writeFileSync(file, stringify({ config: Object.fromEntries(Object.entries(EVERY_KEY).map(([k, v]) => [`${PROJECT}:${k}`, v])) }));
    expect(loadStackConfig(new pulumi.Config(PROJECT))).toEqual(readStackConfigFile(file).config);
  });
});

describe("collectStackConfig", () => {
  it("leaves absent keys to the defaults and validates what it read", () => {
    expect(collectStackConfig((key) => (key === "tenants" ? tenants : undefined))).toMatchObject({ tenants, logLevel: "INFO", logRetentionDays: 14 });
    expect(() => collectStackConfig((key) => (key === "tenants" ? tenants : key === "logLevel" ? "LOUD" : undefined))).toThrow(ConfigError);
    expect(() => collectStackConfig(() => undefined)).toThrow(/tenants/);
  });
});
