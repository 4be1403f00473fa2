/**
 * The price catalog: shipped prices (`prices.json`) overlaid by the user's `pricing.models`, and the
 * cost of one call. A model with no known price costs `null`, never 0, so dashboards show "unknown"
 * instead of a reassuring zero (Langfuse's most reported cost bug).
 */
import { readFileSync } from 'node:fs';
import type { ModelPrice } from '../config/schema.js';
import type { TokenUsage } from '../telemetry/model.js';

export interface PriceCatalog {
  /** Price of `model` at `providerId`, or undefined when unknown. */
  lookup(providerId: string, model: string): ModelPrice | undefined;
  /** USD for the usage, or null when the model has no price or the usage is unknown. */
  cost(providerId: string, model: string, usage: TokenUsage): number | null;
}

const shipped = (
  JSON.parse(readFileSync(new URL('./prices.json', import.meta.url), 'utf8')) as {
    models: Record<string, ModelPrice>;
  }
).models;

/** Dated and tagged variants (`gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`, `…-latest`) price as their family. */
const versionSuffix = /(-\d{4}-\d{2}-\d{2}|-\d{8}|-latest|-preview(-\d{2}-\d{4})?|-\d{3})$/;

export function createPriceCatalog(options: {
  enabled: boolean;
  overrides: Record<string, ModelPrice>;
}): PriceCatalog {
  const prices = new Map<string, ModelPrice>(Object.entries({ ...shipped, ...options.overrides }));
  const cache = new Map<string, ModelPrice | null>();

  function find(providerId: string, model: string): ModelPrice | undefined {
    const key = `${providerId}/${model}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
    const found =
      prices.get(key) ?? prices.get(model) ?? prices.get(bare) ?? prices.get(bare.replace(versionSuffix, ''));
    cache.set(key, found ?? null);
    return found;
  }

  return {
    lookup: (providerId, model) => (options.enabled ? find(providerId, model) : undefined),
    cost(providerId, model, usage) {
      if (!options.enabled || usage.inputTokens === null || usage.outputTokens === null) return null;
      const price = find(providerId, model);
      if (price === undefined) return null;
      const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
      const dollars =
        (usage.inputTokens - cached) * price.input +
        cached * (price.cached_input ?? price.input) +
        usage.outputTokens * price.output;
      return dollars / 1_000_000;
    },
  };
}
