import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';

const providers = [{ id: 'openai-main', type: 'openai', api_key: 'k' }];
const target = (model: string, extra: Record<string, unknown> = {}) => ({
  provider: 'openai-main',
  model,
  ...extra,
});

function problems(models: unknown[], routing: unknown = {}): string {
  try {
    parseConfig({ providers, models, routing });
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('routing config checks', () => {
  it('accepts existing configs unchanged, with routing defaults', () => {
    const config = parseConfig({ providers, models: [{ name: 'fast', targets: [target('gpt-4o-mini')] }] });
    expect(config.models[0]).toMatchObject({ strategy: 'ordered', targets: [{ weight: 1 }] });
    expect(config.routing).toMatchObject({
      fallbacks: [],
      retry: { max_attempts: 1 },
      breaker: { enabled: true, error_rate: 0.5 },
      timeouts: {},
    });
  });

  it('names the path of an unknown provider, all-zero weights and unknown references', () => {
    expect(problems([{ name: 'a', targets: [{ provider: 'nope', model: 'x' }] }])).toMatch(
      /models\.0\.targets\.0\.provider: unknown provider "nope"/,
    );
    expect(
      problems([
        {
          name: 'a',
          strategy: 'weighted',
          targets: [target('x', { weight: 0 }), target('y', { weight: 0 })],
        },
      ]),
    ).toMatch(/models\.0\.targets: every target weight is 0/);
    expect(problems([{ name: 'a', targets: [target('x')], fallbacks: ['ghost'] }])).toMatch(
      /models\.0\.fallbacks\.0: unknown model "ghost"/,
    );
    expect(problems([{ name: 'a', targets: [target('x')] }], { fallbacks: ['ghost'] })).toMatch(
      /routing\.fallbacks\.0: unknown model "ghost"/,
    );
    expect(
      problems([
        { name: 'ab', split: [{ model: 'a', weight: 0 }] },
        { name: 'a', targets: [target('x')] },
      ]),
    ).toMatch(/models\.0\.split: every variant weight is 0/);
  });

  it('rejects fallback cycles with the loop and the path that closes it', () => {
    const message = problems([
      { name: 'a', targets: [target('x')], fallbacks: ['b'] },
      { name: 'b', targets: [target('y')], fallbacks: ['c'] },
      { name: 'c', targets: [target('z')], fallbacks: ['a'] },
    ]);
    expect(message).toMatch(/models\.2\.fallbacks\.0: fallback cycle: a → b → c → a/);
    expect(problems([{ name: 'a', targets: [target('x')], fallbacks: ['a'] }])).toMatch(/refers to itself/);
  });

  it('wants exactly one way to serve a model', () => {
    expect(problems([{ name: 'a' }])).toMatch(/models\.0: needs `targets`/);
    expect(
      problems([
        { name: 'a', targets: [target('x')], split: [{ model: 'b', weight: 1 }] },
        { name: 'b', targets: [target('y')] },
      ]),
    ).toMatch(/models\.0: set only one of targets, split/);
  });
});
