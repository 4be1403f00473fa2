/**
 * Tier 2 of prompt-injection detection: logistic regression over hashed n-gram features, trained by
 * `scripts/train-injection-classifier.ts` on redistributable data and shipped as
 * `injection-model.json`. Scoring is a sparse dot product (well under a millisecond).
 *
 * The model file lists feature blocks; today one block of hashed n-grams. A block of sentence
 * embeddings (from the local embedder) can be added next to it without changing callers: each block
 * turns text into features and contributes its dot product with its own weights.
 */
import { readFileSync } from 'node:fs';
import type { Detection } from '../types.js';
import { extractHashedNgrams } from './hashed-ngrams.js';
import type { HashedNgramOptions } from './hashed-ngrams.js';

export interface HashedNgramBlock extends HashedNgramOptions {
  type: 'hashed_ngrams';
  weights: number[];
}

export interface InjectionModel {
  version: number;
  blocks: HashedNgramBlock[];
  bias: number;
  /** Probability at or above which a prompt is called an attack (chosen for a low benign false-positive rate). */
  threshold: number;
  /** How the weights were made, for the record (datasets, split, metrics on held-out data). */
  training: Record<string, unknown>;
}

export function probability(model: InjectionModel, text: string): number {
  let logit = model.bias;
  for (const block of model.blocks) {
    const features = extractHashedNgrams(text, block);
    for (let index = 0; index < features.indices.length; index += 1) {
      logit += (block.weights[features.indices[index] ?? 0] ?? 0) * (features.values[index] ?? 0);
    }
  }
  return 1 / (1 + Math.exp(-logit));
}

/**
 * Maps a probability to the guardrail score scale, where 0.5 is the model's decision threshold: the
 * same `threshold: 0.5` then means "the classifier says attack" whatever the model's calibration.
 */
export function toScore(model: InjectionModel, p: number): number {
  const t = model.threshold;
  return p < t ? (0.5 * p) / t : 0.5 + (0.5 * (p - t)) / (1 - t);
}

let shipped: InjectionModel | undefined;

/** The model shipped beside this file, loaded once. */
export function shippedInjectionModel(): InjectionModel {
  shipped ??= JSON.parse(
    readFileSync(new URL('./injection-model.json', import.meta.url), 'utf8'),
  ) as InjectionModel;
  return shipped;
}

export function scoreInjectionClassifier(
  text: string,
  model: InjectionModel = shippedInjectionModel(),
): Detection {
  const p = probability(model, text);
  return { score: toScore(model, p), findings: [], details: { probability: Number(p.toFixed(4)) } };
}
