/**
 * The arithmetic of the RAGAS metrics, separate from the judge calls that produce their inputs, so the
 * definitions are testable on their own.
 */
import { cosineSimilarity } from '../metrics/cosine.js';

/** Faithfulness: claims of the answer supported by the context / claims. An answer with no claims is 1. */
export function faithfulnessScore(supported: readonly boolean[]): number {
  return supported.length === 0 ? 1 : supported.filter(Boolean).length / supported.length;
}

/**
 * Context precision: the mean of precision@k over the ranks k holding a relevant chunk,
 * Σ_k (precision@k × v_k) / Σ_k v_k; 0 when no chunk is relevant.
 *
 * @example contextPrecisionScore([true, false, true]) // → (1/1 + 2/3) / 2 = 0.8333
 */
export function contextPrecisionScore(relevant: readonly boolean[]): number {
  let hits = 0;
  let sum = 0;
  relevant.forEach((isRelevant, index) => {
    if (!isRelevant) return;
    hits += 1;
    sum += hits / (index + 1);
  });
  return hits === 0 ? 0 : sum / hits;
}

/** Context recall: statements of the reference attributable to the context / statements. */
export function contextRecallScore(attributed: readonly boolean[]): number {
  return attributed.length === 0 ? 0 : attributed.filter(Boolean).length / attributed.length;
}

/**
 * Answer relevancy: the mean cosine similarity of questions generated from the answer to the
 * original question; 0 when the answer is noncommittal ("I don't know").
 */
export function answerRelevancyScore(
  question: readonly number[],
  generated: readonly (readonly number[])[],
  noncommittal: boolean,
): number {
  if (noncommittal || generated.length === 0) return 0;
  const total = generated.reduce((sum, vector) => sum + cosineSimilarity(question, vector), 0);
  return total / generated.length;
}
