import { describe, expect, it } from 'vitest';
import { createPriceCatalog } from './price-catalog.js';
import type { TokenUsage } from '../telemetry/model.js';

const usage = (input: number, output: number, cached: number | null = null): TokenUsage => ({
  inputTokens: input,
  outputTokens: output,
  totalTokens: input + output,
  cachedInputTokens: cached,
  estimated: false,
});

describe('price catalog', () => {
  const catalog = createPriceCatalog({ enabled: true, overrides: {} });

  it('prices input and output per million tokens (gpt-4o-mini: $0.15 / $0.60)', () => {
    expect(catalog.cost('openai', 'gpt-4o-mini', usage(1_000_000, 1_000_000))).toBeCloseTo(0.75, 12);
    expect(catalog.cost('openai', 'gpt-4o-mini', usage(1200, 300))).toBeCloseTo(
      (1200 * 0.15 + 300 * 0.6) / 1e6,
      15,
    );
  });

  it('charges cached input at the cached price (gpt-4o: $2.50, cached $1.25)', () => {
    expect(catalog.cost('openai', 'gpt-4o', usage(1000, 0, 400))).toBeCloseTo(
      (600 * 2.5 + 400 * 1.25) / 1e6,
      15,
    );
  });

  it('prices dated and provider-prefixed variants as their family', () => {
    expect(catalog.lookup('openai', 'gpt-4o-2024-08-06')).toEqual(catalog.lookup('openai', 'gpt-4o'));
    expect(catalog.lookup('anthropic', 'claude-3-5-haiku-20241022')).toMatchObject({ input: 0.8, output: 4 });
    expect(catalog.lookup('openrouter', 'openai/gpt-4o-mini')).toMatchObject({ input: 0.15 });
  });

  it('returns null, not 0, for an unknown model or unknown usage', () => {
    expect(catalog.cost('local', 'my-llama-finetune', usage(10, 10))).toBeNull();
    expect(catalog.cost('openai', 'gpt-4o', { ...usage(0, 0), inputTokens: null })).toBeNull();
  });

  it('lets config override and extend the catalog, per model or per provider/model', () => {
    const custom = createPriceCatalog({
      enabled: true,
      overrides: {
        'my-llama-finetune': { input: 1, output: 2 },
        'azure-eu/gpt-4o': { input: 3, output: 11 },
      },
    });
    expect(custom.cost('local', 'my-llama-finetune', usage(1_000_000, 500_000))).toBeCloseTo(2, 12);
    expect(custom.lookup('azure-eu', 'gpt-4o')).toMatchObject({ input: 3 });
    expect(custom.lookup('openai', 'gpt-4o')).toMatchObject({ input: 2.5 });
  });

  it('computes nothing when pricing is disabled', () => {
    const off = createPriceCatalog({ enabled: false, overrides: {} });
    expect(off.cost('openai', 'gpt-4o-mini', usage(10, 10))).toBeNull();
  });
});
