import { describe, expect, it } from 'vitest';
import { chooseVariant } from './ab-split.js';
import { Canary } from './canary.js';
import { scoreComplexity } from './complexity.js';
import { ShadowSampler } from './shadow-sampler.js';
import { looksPinned } from './version-pinning.js';
import { parseConfig } from '../config/load.js';

describe('A/B split', () => {
  it('is sticky per user and spreads users by weight', () => {
    const variants = [
      { model: 'a', weight: 1 },
      { model: 'b', weight: 3 },
    ];
    const counts = { a: 0, b: 0 };
    for (let user = 0; user < 4_000; user++) {
      const choice = chooseVariant('exp', variants, `user-${user}`);
      expect(chooseVariant('exp', variants, `user-${user}`)).toEqual(choice);
      counts[choice.model as 'a' | 'b']++;
    }
    expect(Math.abs(counts.b / 4_000 - 0.75)).toBeLessThan(0.03);
    expect(chooseVariant('exp', variants, undefined, () => 0.1)).toEqual({ model: 'a', sticky: false });
  });
});

describe('canary', () => {
  const config = {
    baseline: 'old',
    candidate: 'new',
    stages: [10, 50, 100],
    stage_duration_ms: 1_000,
    min_requests: 10,
    window_ms: 60_000,
    max_error_rate_increase: 0.05,
    max_p95_increase: 0.5,
  };

  it('advances stages on schedule', () => {
    const canary = new Canary('c', config, 0);
    expect(canary.percent(0)).toBe(10);
    expect(canary.percent(1_000)).toBe(50);
    expect(canary.percent(5_000)).toBe(100);
  });

  it('rolls back on an error-rate regression and on a p95 regression, for good', () => {
    const errors = new Canary('c', config, 0);
    let rollback = null;
    for (let index = 0; index < 20 && rollback === null; index++) {
      errors.record('baseline', true, 100, index, 't');
      rollback = errors.record('candidate', index % 2 === 0, 100, index, 'trace-1');
    }
    expect(rollback).toMatchObject({
      traceId: 'trace-1',
      reason: expect.stringMatching(/error rate/) as string,
    });
    expect(errors.percent(10)).toBe(0);
    expect(errors.choose(10, 'anyone')).toBe('baseline');

    const slow = new Canary('c', config, 0);
    rollback = null;
    for (let index = 0; index < 30 && rollback === null; index++) {
      slow.record('baseline', true, 100, index, 't');
      rollback = slow.record('candidate', true, 400, index, 't');
    }
    expect(rollback?.reason).toMatch(/p95 400 ms exceeds baseline 100 ms/);
  });
});

describe('shadow sampler', () => {
  it('mirrors exactly the share, spread evenly', () => {
    const sampler = new ShadowSampler(0.25);
    const picks = Array.from({ length: 12 }, () => sampler.next());
    expect(picks.filter(Boolean)).toHaveLength(3);
    expect(picks.indexOf(true)).toBe(3);
  });
});

describe('complexity heuristic', () => {
  const config = parseConfig({
    providers: [{ id: 'p', type: 'openai', api_key: 'k' }],
    models: [
      { name: 'small', targets: [{ provider: 'p', model: 'gpt-4o-mini' }] },
      { name: 'large', targets: [{ provider: 'p', model: 'gpt-4o' }] },
      { name: 'auto', complexity: { small: 'small', large: 'large' } },
    ],
  }).models[2]?.complexity;
  if (config === undefined) throw new Error('no complexity config');

  it('keeps a short chat small and sends code with reasoning cues large, saying why', () => {
    const simple = scoreComplexity(
      { model: 'auto', messages: [{ role: 'user', content: 'Hi there!' }] },
      config,
      () => 5,
    );
    expect(simple).toEqual({ tier: 'small', score: 0, signals: [] });
    const hard = scoreComplexity(
      {
        model: 'auto',
        messages: [
          { role: 'user', content: 'Explain why this fails, step by step:\n```js\nconst x = 1;\n```' },
        ],
      },
      config,
      () => 30,
    );
    expect(hard.tier).toBe('large');
    expect(hard.signals).toEqual(['code +1.5', 'reasoning cues +1.5']);
    const long = scoreComplexity(
      { model: 'auto', messages: [{ role: 'user', content: 'x' }] },
      config,
      () => 5_000,
    );
    expect(long).toMatchObject({ tier: 'large', signals: ['long prompt (5000 tokens) +2'] });
  });
});

describe('version pinning', () => {
  it('tells pinned versions from floating aliases', () => {
    for (const pinned of [
      'gpt-4o-2024-08-06',
      'claude-3-5-sonnet-20241022',
      'gemini-1.5-pro-002',
      'claude-3-5-sonnet@20241022',
    ])
      expect(looksPinned(pinned)).toBe(true);
    for (const floating of ['gpt-4o', 'claude-3-5-sonnet-latest', 'gemini-2.0-flash', 'o3-mini'])
      expect(looksPinned(floating)).toBe(false);
  });
});
