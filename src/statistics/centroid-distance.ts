/**
 * How far the centre of one set of embeddings has moved from another's: the cosine distance
 * 1 − cos(c_a, c_b) between the means of the two sets' unit vectors. 0 when the centres point the
 * same way, 1 when they are orthogonal. Means of unit vectors are shorter than 1 (the more spread the
 * set, the shorter), so the cosine is taken between the means, not their dot product.
 */
import { dot, toUnitVector } from '../embeddings/unit-vector.js';

/** The mean of the vectors (each scaled to unit length first); null for an empty set. */
export function meanUnitVector(vectors: readonly ArrayLike<number>[]): Float32Array | null {
  const first = vectors[0];
  if (first === undefined) return null;
  const sum = new Float64Array(first.length);
  for (const vector of vectors) {
    const unit = toUnitVector(vector);
    for (let index = 0; index < sum.length; index++) sum[index]! += unit[index] ?? 0;
  }
  return Float32Array.from(sum, (value) => value / vectors.length);
}

/**
 * @example
 * centroidCosineDistance([[1, 0]], [[0, 1]]); // 1
 * centroidCosineDistance([[1, 0], [0, 1]], [[1, 1]]); // 0
 */
export function centroidCosineDistance(
  reference: readonly ArrayLike<number>[],
  recent: readonly ArrayLike<number>[],
): number | null {
  const a = meanUnitVector(reference);
  const b = meanUnitVector(recent);
  if (a === null || b === null) return null;
  return 1 - dot(toUnitVector(a), toUnitVector(b));
}
