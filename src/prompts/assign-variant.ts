/**
 * Experiment assignment: which variant serves a request. Sticky per `user`: the same user always
 * lands in the same variant of an experiment (a hash of experiment id and user picks a bucket of
 * 10,000), and different experiments split users independently. A request without `user` cannot be
 * sticky and is assigned at random.
 */
import { createHash } from 'node:crypto';
import type { Experiment, ExperimentVariant } from './types.js';

const buckets = 10_000;

export interface AssignmentInput {
  user: string | undefined;
  metadata: Record<string, string> | undefined;
}

/** The variant serving this request, or null when the request is outside the experiment's segment. */
export function assignVariant(experiment: Experiment, input: AssignmentInput): ExperimentVariant | null {
  if (!inSegment(experiment, input.metadata)) return null;
  const bucket =
    input.user === undefined || input.user === ''
      ? Math.floor(Math.random() * buckets)
      : createHash('sha256').update(`${experiment.id}\u0000${input.user}`).digest().readUInt32BE(0) % buckets;
  let upper = 0;
  for (const variant of experiment.variants) {
    upper += variant.weight * (buckets / 100);
    if (bucket < upper) return variant;
  }
  // Weights sum to 100 (checked at creation); rounding can only leave the very last bucket.
  return experiment.variants.at(-1) ?? null;
}

function inSegment(experiment: Experiment, metadata: Record<string, string> | undefined): boolean {
  if (experiment.segment === null) return true;
  for (const [key, value] of Object.entries(experiment.segment.metadata)) {
    if (metadata?.[key] !== value) return false;
  }
  return true;
}
