/**
 * A/B split between models: each user lands in a variant by the hash of their id (`user` in the
 * request), so they keep seeing the same variant; a request without a user is assigned at random.
 */
import { userBucket } from '../common/stable-hash.js';

export interface SplitVariant {
  model: string;
  weight: number;
}

export interface SplitChoice {
  model: string;
  sticky: boolean;
}

export function chooseVariant(
  splitName: string,
  variants: readonly SplitVariant[],
  user: string | undefined,
  random: () => number = Math.random,
): SplitChoice {
  let total = 0;
  for (const variant of variants) total += variant.weight;
  const sticky = user !== undefined && user !== '';
  let point = (sticky ? userBucket(user, splitName) : random()) * total;
  for (const variant of variants) {
    if (variant.weight === 0) continue;
    point -= variant.weight;
    if (point < 0) return { model: variant.model, sticky };
  }
  // Floating-point rounding at the very top of the range: the last weighted variant.
  const last = [...variants].reverse().find((variant) => variant.weight > 0) ?? variants[0];
  return { model: last?.model ?? '', sticky };
}
