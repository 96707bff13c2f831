/** scripts/usage/prices.ts: model references priced alike whatever their form, dated source. */
import { estimatedCostUsd, modelKey, PRICES_CHECKED, priceOf } from "../../../../scripts/usage/prices";
import { DEFAULT_MODEL_ID } from "../../../../infra/config";

describe("model prices", () => {
  it.each([
    ["us.anthropic.claude-sonnet-4-6", "anthropic.claude-sonnet-4-6"],
    ["global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5"],
    ["eu.anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-haiku-4-5"],
    ["anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-haiku"],
    ["apac.anthropic.claude-3-sonnet-20240229-v1:0", "anthropic.claude-3-sonnet"],
  ])("%s prices as %s", (reference, key) => {
    expect(modelKey(reference)).toBe(key);
    expect(priceOf(reference)).toBeDefined();
  });

  it("knows the stack's default model", () => {
    expect(priceOf(DEFAULT_MODEL_ID)).toEqual({ inputPerMillion: 3, outputPerMillion: 15 });
  });

  it("has no price for an unknown model", () => {
    expect(priceOf("meta.llama3-70b-instruct-v1:0")).toBeUndefined();
  });

  it("estimates dollars from tokens", () => {
    expect(estimatedCostUsd({ inputTokens: 1_000_000, outputTokens: 100_000 }, { inputPerMillion: 3, outputPerMillion: 15 })).toBe(4.5);
    expect(estimatedCostUsd({ inputTokens: 1234, outputTokens: 56 }, { inputPerMillion: 3, outputPerMillion: 15 })).toBe(0.0045);
    expect(PRICES_CHECKED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
