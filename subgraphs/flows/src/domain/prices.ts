/**
 * Dollars per million tokens by model: the price table the README documents. A call is priced
 * with the table of the day it is recorded, and the prices go into its row, so a later change
 * of the table does not rewrite history. A model not listed is refused: an unpriced call would
 * slip past every budget.
 */
export const MODEL_PRICES: Readonly<Record<string, { input: number; output: number }>> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  // Chief's deterministic local methods (no key): recorded, and free.
  local: { input: 0, output: 0 },
};

/** Seed 004's target for the average cost of a workflow (NFR-P2.1). */
export const WORKFLOW_COST_TARGET_USD = 0.5;

/** The table's price for a model; only the table's own entries (not `constructor`, `__proto__`). */
export const priceOf = (model: string) => (Object.hasOwn(MODEL_PRICES, model) ? MODEL_PRICES[model]! : null);

/** What a call costs at a price, in dollars (the database computes the stored cost the same way). */
export const costOf = (price: { input: number; output: number }, inputTokens: number, outputTokens: number) =>
  (inputTokens * price.input + outputTokens * price.output) / 1_000_000;

/** Dollars as messages show them: four decimals under a dollar, two from there. */
export const dollars = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;

/** Dollars to the ledger's precision (8 decimals): sums of float prices do not end in ...9999. */
export const roundUsd = (usd: number) => Math.round(usd * 1e8) / 1e8;
