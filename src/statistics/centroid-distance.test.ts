import { describe, expect, it } from 'vitest';
import { centroidCosineDistance, meanUnitVector } from './centroid-distance.js';

describe('centroid cosine distance', () => {
  it('is 0 for sets centred the same way and 1 for orthogonal centres', () => {
    expect(centroidCosineDistance([[1, 0]], [[0, 1]])).toBeCloseTo(1, 6);
    expect(
      centroidCosineDistance(
        [
          [1, 0],
          [0, 1],
        ],
        [[1, 1]],
      ),
    ).toBeCloseTo(0, 6);
    expect(centroidCosineDistance([[3, 4]], [[6, 8]])).toBeCloseTo(0, 6);
  });

  it('averages unit vectors, so a long vector does not outweigh short ones', () => {
    // Centre of (1,0) and (0,1) scaled to unit length is (0.5, 0.5), whatever the raw lengths.
    expect(
      Array.from(
        meanUnitVector([
          [10, 0],
          [0, 1],
        ])!,
      ),
    ).toEqual([0.5, 0.5]);
    // Reference centred at 45°, recent at 0°: 1 − cos 45°.
    expect(
      centroidCosineDistance(
        [
          [1, 0],
          [0, 1],
        ],
        [[1, 0]],
      ),
    ).toBeCloseTo(1 - Math.SQRT1_2, 6);
  });

  it('has no value without vectors on both sides', () => {
    expect(centroidCosineDistance([], [[1, 0]])).toBeNull();
  });
});
