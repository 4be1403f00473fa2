import { describe, expect, it } from 'vitest';
import { corpusBleu, sentenceBleu } from './bleu.js';
import { tokenize13a } from './tokenize-13a.js';

describe('BLEU (sacreBLEU-compatible)', () => {
  // The example of sacreBLEU's README: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944
  // hyp_len = 17 ref_len = 18)" with default settings.
  const hypotheses = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
  const references = [
    ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
    ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
  ];

  it('scores the sacreBLEU README corpus 48.530827', () => {
    const bleu = corpusBleu(hypotheses, references);
    expect(bleu.score).toBeCloseTo(48.530827, 4);
    expect(bleu.precisions.map((p) => Number(p.toFixed(1)))).toEqual([82.4, 50, 45.5, 37.5]);
    expect(bleu.brevityPenalty).toBeCloseTo(0.943, 3);
    expect(bleu.hypothesisLength).toBe(17);
    expect(bleu.referenceLength).toBe(18);
  });

  it('gives 100 for an exact match and 0 for nothing in common', () => {
    expect(corpusBleu(['The dog bit the man.'], [['The dog bit the man.']]).score).toBeCloseTo(100, 10);
    expect(corpusBleu(['xyz'], [['The dog bit the man.']]).score).toBe(0);
    expect(corpusBleu([''], [['The dog']]).score).toBe(0);
  });

  it('sentence BLEU uses the effective order and exp smoothing', () => {
    // sacrebleu.sentence_bleu('The dog bit the man.', ['The dog had bit the man.']).score
    // hyp 6 tokens, ref 7: p = 6/6, 4/5, 2/4, 1/3; BP = exp(1 - 7/6).
    const expected =
      Math.exp(1 - 7 / 6) * Math.exp((Math.log(100) + Math.log(80) + Math.log(50) + Math.log(100 / 3)) / 4);
    expect(sentenceBleu('The dog bit the man.', ['The dog had bit the man.']).score).toBeCloseTo(expected, 8);
    // One token: only unigrams count under effective order.
    expect(sentenceBleu('dog', ['dog']).score).toBeCloseTo(100, 8);
    // No bigram match: exp smoothing gives 100 / (2 * total) for that order.
    const smoothed = sentenceBleu('a b', ['a c']);
    expect(smoothed.precisions[1]).toBeCloseTo(50, 8);
    expect(smoothed.score).toBeCloseTo(Math.sqrt(50 * 50), 8);
  });

  it('tokenizes like 13a', () => {
    // The apostrophe (0x27) falls between 13a's symbol ranges, so contractions stay whole.
    expect(tokenize13a("It wasn't surprising.")).toBe("It wasn't surprising .");
    expect(tokenize13a('Costs 1,000.50 dollars, 3-4 days &amp; more')).toBe(
      'Costs 1,000.50 dollars , 3 - 4 days & more',
    );
    expect(tokenize13a('(a)[b]{c}"d"')).toBe('( a ) [ b ] { c } " d "');
  });

  it('rejects reference streams of the wrong length', () => {
    expect(() => corpusBleu(['a', 'b'], [['a']])).toThrow(/2 segments/);
  });
});
