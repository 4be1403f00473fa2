import { describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../providers/spec.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createMemoryBreakerStore } from './memory-breaker-store.js';
import { orderTargets } from './strategies.js';
import { createTargetGroup } from './target.js';
import type { RoutingTarget } from './target.js';
import type { Strategy } from '../config/routing-schema.js';
import { TargetStats } from './target-stats.js';

const store = createMemoryBreakerStore();
const breakerConfig = { enabled: true, window_ms: 1_000, min_requests: 1, error_rate: 1, cooldown_ms: 1 };
const target = (model: string, weight = 1): RoutingTarget => ({
  key: `p/${model}`,
  adapter: { id: 'p', type: 'openai' } as ProviderAdapter,
  model,
  weight,
  contextWindow: undefined,
  pinned: false,
  breaker: new CircuitBreaker(`p/${model}`, breakerConfig, store),
  stats: new TargetStats({}),
});
const noCosts = { cost: () => undefined };
const models = (list: RoutingTarget[]) => list.map((item) => item.model);

function firstChoices(strategy: Strategy, targets: RoutingTarget[], count: number): Record<string, number> {
  const group = createTargetGroup('g', strategy, targets);
  const counts: Record<string, number> = {};
  for (let index = 0; index < count; index++) {
    const first = orderTargets(group, targets, noCosts)[0]?.model ?? '';
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return counts;
}

describe('strategies', () => {
  it('weighted: exact shares with the rest as fallbacks by weight; zero weight only as a fallback', () => {
    const targets = [target('a', 5), target('b', 3), target('c', 0), target('d', 2)];
    expect(firstChoices('weighted', targets, 1_000)).toEqual({ a: 500, b: 300, d: 200 });
    expect(models(orderTargets(createTargetGroup('g', 'weighted', targets), targets, noCosts))).toEqual([
      'a',
      'b',
      'd',
      'c',
    ]);
  });

  it('round-robin rotates; ordered keeps the configured order', () => {
    const targets = [target('a'), target('b'), target('c')];
    expect(firstChoices('round-robin', targets, 300)).toEqual({ a: 100, b: 100, c: 100 });
    expect(firstChoices('ordered', targets, 3)).toEqual({ a: 3 });
  });

  it('least-latency measures unmeasured targets first, then prefers the fastest', () => {
    const [fast, slow, fresh] = [target('fast'), target('slow'), target('fresh')];
    fast.stats.observeLatency(50);
    slow.stats.observeLatency(400);
    const group = createTargetGroup('g', 'least-latency', [slow, fast, fresh]);
    expect(models(orderTargets(group, [slow, fast, fresh], noCosts))).toEqual(['fresh', 'fast', 'slow']);
  });

  it('least-busy prefers the fewest in flight; lowest-cost the cheapest, unpriced last', () => {
    const [busy, idle] = [target('busy'), target('idle')];
    busy.stats.begin(0, 0);
    expect(
      models(orderTargets(createTargetGroup('g', 'least-busy', [busy, idle]), [busy, idle], noCosts)),
    ).toEqual(['idle', 'busy']);
    const [cheap, dear, unknown] = [target('cheap'), target('dear'), target('unknown')];
    const costs = { cost: (item: RoutingTarget) => ({ cheap: 0.001, dear: 0.01 })[item.model as 'cheap'] };
    expect(
      models(
        orderTargets(
          createTargetGroup('g', 'lowest-cost', [unknown, dear, cheap]),
          [unknown, dear, cheap],
          costs,
        ),
      ),
    ).toEqual(['cheap', 'dear', 'unknown']);
  });

  it('skips targets over their RPM limit', () => {
    const stats = new TargetStats({ rpm: 2, tpm: 100 });
    stats.begin(0, 10);
    expect(stats.overLimit(1, 10)).toBeNull();
    stats.begin(1, 10);
    expect(stats.overLimit(2, 10)).toBe('rpm');
    expect(new TargetStats({ tpm: 100 }).overLimit(0, 101)).toBe('tpm');
    expect(stats.overLimit(70_000, 10)).toBeNull();
  });
});
