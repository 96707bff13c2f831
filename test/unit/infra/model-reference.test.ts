/** infra/model-reference.ts: the forms `modelId` may take, and nothing else. */
import {
  assertCallableFrom,
  GEOGRAPHY_REGIONS,
  ModelReferenceError,
  parseModelReference,
} from "../../../infra/model-reference";

const APP_ARN = "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/a1b2c3d4e5f6";

describe("parseModelReference", () => {
  it("names an unknown profile prefix", () => {
    expect(() => parseModelReference("sa.anthropic.claude-sonnet-4-6")).toThrow(/unknown inference profile prefix "sa\."/);
  });

  it.each([
    ["anthropic.claude-3-haiku-20240307-v1:0", { kind: "foundation-model", modelId: "anthropic.claude-3-haiku-20240307-v1:0" }],
    ["amazon.titan-embed-text-v2:0", { kind: "foundation-model", modelId: "amazon.titan-embed-text-v2:0" }],
    ["us.anthropic.claude-sonnet-4-6", { kind: "geographic-profile", geography: "us", modelId: "anthropic.claude-sonnet-4-6" }],
    ["eu.anthropic.claude-sonnet-4-5-20250929-v1:0", { kind: "geographic-profile", geography: "eu", modelId: "anthropic.claude-sonnet-4-5-20250929-v1:0" }],
    ["apac.anthropic.claude-sonnet-4-6", { kind: "geographic-profile", geography: "apac" }],
    ["jp.anthropic.claude-sonnet-4-6", { kind: "geographic-profile", geography: "jp" }],
    ["au.anthropic.claude-sonnet-4-6", { kind: "geographic-profile", geography: "au" }],
    ["ca.anthropic.claude-sonnet-4-6", { kind: "geographic-profile", geography: "ca" }],
    ["us-gov.anthropic.claude-sonnet-4-6", { kind: "geographic-profile", geography: "us-gov" }],
    ["global.anthropic.claude-sonnet-4-6", { kind: "global-profile", modelId: "anthropic.claude-sonnet-4-6" }],
    [APP_ARN, { kind: "application-profile", partition: "aws", region: "eu-west-1", accountId: "123456789012", profileId: "a1b2c3d4e5f6" }],
  ])("reads %s", (value, expected) => {
    expect(parseModelReference(value)).toMatchObject({ id: value, ...expected });
  });

  it.each([
    "",
    "claude",
    "us.",
    "global.",
    "us.claude",
    "sa.anthropic.claude-sonnet-4-6",
    "xx.meta.llama3-1-70b-instruct-v1:0",
    "xx.anthropic.claude-sonnet-4-6.extra:bad:colon",
    "Anthropic.Claude",
    "anthropic.claude sonnet",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-6",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-6",
    "arn:aws:bedrock:us-east-1:12345:application-inference-profile/abc",
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/ABC!",
  ])("refuses %p with one line naming the accepted forms", (value) => {
    expect(() => parseModelReference(value)).toThrow(ModelReferenceError);
    try {
      parseModelReference(value);
    } catch (error) {
      expect((error as Error).message).not.toContain("\n");
      expect((error as Error).message).toMatch(/foundation-model id .* inference profile id .* application inference profile ARN/);
    }
  });
});

describe("assertCallableFrom", () => {
  it("lets a geographic profile be called from its geography only", () => {
    const us = parseModelReference("us.anthropic.claude-sonnet-4-6");
    expect(() => assertCallableFrom(us, "us-east-1")).not.toThrow();
    expect(() => assertCallableFrom(us, "eu-west-1")).toThrow(/us\. inference profile and cannot be called from eu-west-1/);
    expect(() => assertCallableFrom(parseModelReference("eu.anthropic.claude-sonnet-4-6"), "eu-west-1")).not.toThrow();
  });

  it("lets an application profile be called from its own Region only; global and plain models anywhere", () => {
    expect(() => assertCallableFrom(parseModelReference(APP_ARN), "eu-west-1")).not.toThrow();
    expect(() => assertCallableFrom(parseModelReference(APP_ARN), "us-east-1")).toThrow(/in eu-west-1, not in the stack's Region us-east-1/);
    expect(() => assertCallableFrom(parseModelReference("global.anthropic.claude-sonnet-4-6"), "cn-north-1")).not.toThrow();
    expect(() => assertCallableFrom(parseModelReference("anthropic.claude-3-haiku-20240307-v1:0"), "eu-west-1")).not.toThrow();
  });

  it("has a Region table in which each geography's Regions belong to it", () => {
    expect(GEOGRAPHY_REGIONS.us.every((r) => r.startsWith("us-") && !r.startsWith("us-gov"))).toBe(true);
    expect(GEOGRAPHY_REGIONS.eu.every((r) => r.startsWith("eu-"))).toBe(true);
    expect(GEOGRAPHY_REGIONS.jp.every((r) => GEOGRAPHY_REGIONS.apac.includes(r))).toBe(true);
  });
});
