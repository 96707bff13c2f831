/**
 * Model token prices for the usage report's estimated cost: US dollars per million input
 * and output tokens, on-demand, by model. An estimate, not a bill: no prompt caching, batch
 * or long-context rates, and the report multiplies every tenant's tokens by the stack's
 * one configured model.
 *
 * Source: Amazon Bedrock pricing, https://aws.amazon.com/bedrock/pricing/ (Anthropic
 * models; the same list prices as https://platform.claude.com/docs/en/about-claude/pricing),
 * checked 2026-12-02. Claude 4.5 and later through a geographic (`us.`, `eu.`, …) profile
 * or in-Region may be billed about 10% above the global list price; check the page for
 * the Region and profile you deploy.
 */
export const PRICES_CHECKED = "2026-12-02";
export const PRICES_SOURCE = "https://aws.amazon.com/bedrock/pricing/";

export interface TokenPrice {
  /** USD per million input tokens. */
  inputPerMillion: number;
  /** USD per million output tokens. */
  outputPerMillion: number;
}

/** By foundation-model id without version suffix or profile prefix (see modelKey). */
export const MODEL_PRICES: Readonly<Record<string, TokenPrice>> = {
  "anthropic.claude-sonnet-4-6": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-sonnet-4-5": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-sonnet-4": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-haiku-4-5": { inputPerMillion: 1, outputPerMillion: 5 },
  "anthropic.claude-3-7-sonnet": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-3-5-haiku": { inputPerMillion: 0.8, outputPerMillion: 4 },
  "anthropic.claude-3-sonnet": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic.claude-3-haiku": { inputPerMillion: 0.25, outputPerMillion: 1.25 },
};

/**
 * Pure: the price table's key of a model reference: an inference-profile prefix (`us.`,
 * `eu.`, `apac.`, `global.`, …) and a date/version suffix (`-20250929-v1:0`, `-v1:0`) are
 * dropped, so `us.anthropic.claude-sonnet-4-6` and `anthropic.claude-sonnet-4-6` price alike.
 */
export function modelKey(modelId: string): string {
  const withoutProfile = modelId.replace(/^[a-z]{2,6}\.(?=[a-z]+\.)/, "");
  return withoutProfile.replace(/-\d{8}(?=-v\d|$)/, "").replace(/-v\d+(?::\d+)?$/, "");
}

export function priceOf(modelId: string): TokenPrice | undefined {
  return MODEL_PRICES[modelKey(modelId)];
}

/** Pure: USD for the tokens at the price, rounded to a hundredth of a cent. */
export function estimatedCostUsd(tokens: { inputTokens: number; outputTokens: number }, price: TokenPrice): number {
  const usd = (tokens.inputTokens * price.inputPerMillion + tokens.outputTokens * price.outputPerMillion) / 1e6;
  return Math.round(usd * 10_000) / 10_000;
}
