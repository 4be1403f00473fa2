import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../records.js';
import { summarize } from './summarize.js';

/** One graded item with a `bleu` assertion against `references`. */
function item(position: number, output: string, references: string[], target = 'mock'): ItemResult {
  return {
    itemKey: `t${position}|prompt-1|${target}`,
    position,
    testKey: `t${position}`,
    promptId: 'prompt-1',
    target,
    description: null,
    vars: {},
    output,
    error: null,
    pass: true,
    score: 1,
    latencyMs: 1,
    cost: 0,
    inputTokens: 1,
    outputTokens: 1,
    cached: false,
    assertions: [{ type: 'bleu', metric: 'bleu', pass: true, score: 0.5, weight: 1, reason: '', references }],
  };
}

describe('run summary', () => {
  it('reports sacreBLEU corpus BLEU per target, not the mean of sentence BLEU', () => {
    // sacreBLEU's README corpus (two references per segment): BLEU = 48.530827.
    const results = [
      item(0, 'The dog bit the man.', ['The dog bit the man.', 'The dog had bit the man.']),
      item(1, "It wasn't surprising.", ['It was not unexpected.', 'No one was surprised.']),
      item(2, 'The man had just bitten him.', ['The man bit him first.', 'The man had bitten the dog.']),
      item(3, 'The dog bit the man.', ['The dog bit the man.'], 'other'),
    ];
    const summary = summarize(results, 10);
    expect(summary.corpusBleu).toHaveLength(2);
    const [mock, other] = summary.corpusBleu ?? [];
    expect(mock).toMatchObject({ target: 'mock', promptId: 'prompt-1', segments: 3 });
    expect(mock?.score).toBeCloseTo(48.530827, 4);
    expect(mock?.brevityPenalty).toBeCloseTo(0.943, 3);
    expect(other?.score).toBeCloseTo(100, 8);
  });

  it('leaves corpus BLEU out when no item has a bleu assertion, and skips items without output', () => {
    const plain = { ...item(0, 'x', ['x']), assertions: [] };
    expect(summarize([plain], 1).corpusBleu).toBeUndefined();
    const failed = { ...item(1, 'x', ['x']), output: null };
    expect(summarize([failed, item(2, 'a b c d', ['a b c d'])], 1).corpusBleu?.[0]?.segments).toBe(1);
  });
});
