import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../records.js';
import { compareRuns } from './compare-runs.js';

function item(testKey: string, target: string, pass: boolean, score: number): ItemResult {
  return {
    itemKey: `${testKey}|prompt-1|${target}`,
    position: Number(testKey),
    testKey,
    promptId: 'prompt-1',
    target,
    description: `test ${testKey}`,
    vars: {},
    output: pass ? 'good' : 'bad',
    error: null,
    pass,
    score,
    latencyMs: 1,
    cost: 0,
    inputTokens: 1,
    outputTokens: 1,
    cached: false,
    assertions: [
      {
        type: 'contains',
        metric: 'answer-correct',
        pass,
        score,
        weight: 1,
        reason: pass ? 'ok' : 'missing the answer',
      },
    ],
  };
}

describe('compareRuns', () => {
  const keys = Array.from({ length: 20 }, (_, index) => String(index + 1));
  const baseline = keys.map((key) => item(key, 'v1', true, 1));

  it('lists items that flipped to fail and calls it a regression', () => {
    const candidate = keys.map((key) =>
      item(key, 'v2', !['4', '9', '15'].includes(key), ['4', '9', '15'].includes(key) ? 0 : 1),
    );
    const comparison = compareRuns(baseline, candidate);
    expect(comparison.paired).toBe(20);
    expect(comparison.flippedToFail.map((change) => change.testKey)).toEqual(['4', '9', '15']);
    expect(comparison.flippedToFail[0]?.failures).toEqual(['answer-correct: missing the answer']);
    expect(comparison.passRate).toEqual({ baseline: 1, candidate: 0.85 });
    expect(comparison.regression).toBe(true);
    expect(comparison.regressionReasons[0]).toBe('3 item(s) flipped from pass to fail');
    const score = comparison.metrics.find((metric) => metric.metric === 'score');
    expect(score).toMatchObject({ pairs: 20, baselineMean: 1, candidateMean: 0.85 });
    expect(score?.delta.mean).toBeCloseTo(-0.15, 12);
    // Three equal drops: ties, so the normal approximation; n = 3 is too few to be significant.
    expect(score?.wilcoxon.method).toBe('normal');
    expect(score?.signTest).toMatchObject({ positive: 0, negative: 3, ties: 17 });
    expect(score?.signTest.pValue).toBeCloseTo(0.25, 12);
    expect(score?.verdict).toBe('unchanged');
  });

  it('flags a significant drop even without flips, and no regression for equal runs', () => {
    const scores = keys.map((key, index) => item(key, 'v2', true, 0.9 - index * 0.001));
    const comparison = compareRuns(baseline, scores);
    expect(comparison.flippedToFail).toEqual([]);
    expect(comparison.metrics[0]?.verdict).toBe('worse');
    expect(comparison.regression).toBe(true);
    expect(compareRuns(baseline, baseline).regression).toBe(false);
  });

  it('reports unpaired items', () => {
    const comparison = compareRuns(baseline.slice(0, 2), [
      item('2', 'v2', true, 1),
      item('99', 'v2', true, 1),
    ]);
    expect(comparison).toMatchObject({
      paired: 1,
      baselineOnly: ['1|prompt-1'],
      candidateOnly: ['99|prompt-1'],
    });
  });
});
