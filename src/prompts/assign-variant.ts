/**
 * Experiment assignment: which variant serves a request. Sticky per `user`: the same user always
 * lands in the same variant of an experiment (the user's stable bucket for the experiment id, the
 * same hash as routing's A/B splits), and different experiments split users independently. A request without `user` cannot be
 * sticky and is assigned at random.
 */
import { userBucket } from '../common/stable-hash.js';
import type { Experiment, ExperimentVariant } from './types.js';

export interface AssignmentInput {
  user: string | undefined;
  metadata: Record<string, string> | undefined;
}

/** The variant serving this request, or null when the request is outside the experiment's segment. */
export function assignVariant(experiment: Experiment, input: AssignmentInput): ExperimentVariant | null {
  if (!inSegment(experiment, input.metadata)) return null;
  // A place in [0, 100), to compare with the variants' percentage weights.
  const place =
    100 *
    (input.user === undefined || input.user === '' ? Math.random() : userBucket(input.user, experiment.id));
  let upper = 0;
  for (const variant of experiment.variants) {
    upper += variant.weight;
    if (place < upper) return variant;
  }
  // Weights sum to 100 (checked at creation); float rounding can only leave the very top.
  return experiment.variants.at(-1) ?? null;
}

function inSegment(experiment: Experiment, metadata: Record<string, string> | undefined): boolean {
  if (experiment.segment === null) return true;
  for (const [key, value] of Object.entries(experiment.segment.metadata)) {
    if (metadata?.[key] !== value) return false;
  }
  return true;
}
