import { describe, expect, it } from 'vitest';
import {
  answerRelevancyScore,
  contextPrecisionScore,
  contextRecallScore,
  faithfulnessScore,
} from './rag-scores.js';

describe('RAGAS definitions', () => {
  it('faithfulness is supported claims over claims', () => {
    expect(faithfulnessScore([true, true, false, true])).toBe(0.75);
    expect(faithfulnessScore([])).toBe(1);
  });

  it('context precision averages precision@k over the relevant ranks', () => {
    expect(contextPrecisionScore([true, false, true])).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(contextPrecisionScore([false, true])).toBeCloseTo(0.5, 12);
    expect(contextPrecisionScore([true, true, true])).toBe(1);
    expect(contextPrecisionScore([false, false])).toBe(0);
  });

  it('context recall is attributed reference statements over statements', () => {
    expect(contextRecallScore([true, false])).toBe(0.5);
    expect(contextRecallScore([])).toBe(0);
  });

  it('answer relevancy is the mean cosine to the question, 0 when noncommittal', () => {
    expect(
      answerRelevancyScore(
        [1, 0],
        [
          [1, 0],
          [0, 1],
        ],
        false,
      ),
    ).toBeCloseTo(0.5, 12);
    expect(answerRelevancyScore([1, 0], [[1, 0]], true)).toBe(0);
  });
});
