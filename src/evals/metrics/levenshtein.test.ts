import { describe, expect, it } from 'vitest';
import { levenshtein, levenshteinSimilarity } from './levenshtein.js';

describe('levenshtein', () => {
  it('counts edits', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abc', '')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
    expect(levenshtein('gumbo', 'gambol')).toBe(2);
    // Code points, not UTF-16 halves: one emoji is one edit.
    expect(levenshtein('a😀b', 'ab')).toBe(1);
  });

  it('normalises to a similarity', () => {
    expect(levenshteinSimilarity('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 10);
    expect(levenshteinSimilarity('', '')).toBe(1);
  });
});
