/** Experiment assignment: sticky per user, split by weight, segments by metadata. */
import { describe, expect, it } from 'vitest';
import { assignVariant } from './assign-variant.js';
import type { Experiment } from './types.js';

const experiment: Experiment = {
  id: 'exp_1',
  promptName: 'p',
  label: 'production',
  status: 'running',
  variants: [
    { name: 'a', version: 1, weight: 20 },
    { name: 'b', version: 2, weight: 80 },
  ],
  segment: null,
  shippedVariant: null,
  createdBy: 'test',
  createdAt: 0,
  endedAt: null,
};

describe('assignVariant', () => {
  it('gives a user the same variant every time, and splits users by weight', () => {
    const counts = { a: 0, b: 0 };
    for (let index = 0; index < 10_000; index++) {
      const user = `user-${index}`;
      const first = assignVariant(experiment, { user, metadata: undefined });
      expect(assignVariant(experiment, { user, metadata: undefined })).toBe(first);
      counts[first!.name as 'a' | 'b']++;
    }
    // 20% of 10,000 is 2,000 with a standard deviation of 40: ±200 is five of them.
    expect(counts.a).toBeGreaterThan(1800);
    expect(counts.a).toBeLessThan(2200);
  });

  it('splits users independently in different experiments', () => {
    const other = { ...experiment, id: 'exp_2' };
    let same = 0;
    for (let index = 0; index < 2000; index++) {
      const input = { user: `user-${index}`, metadata: undefined };
      if (assignVariant(experiment, input)!.name === assignVariant(other, input)!.name) same++;
    }
    // Independent: 0.2² + 0.8² = 68% agree by chance.
    expect(same / 2000).toBeGreaterThan(0.63);
    expect(same / 2000).toBeLessThan(0.73);
  });

  it('leaves requests outside the segment out', () => {
    const segmented = { ...experiment, segment: { metadata: { plan: 'pro' } } };
    expect(assignVariant(segmented, { user: 'u', metadata: { plan: 'free' } })).toBeNull();
    expect(assignVariant(segmented, { user: 'u', metadata: undefined })).toBeNull();
    expect(assignVariant(segmented, { user: 'u', metadata: { plan: 'pro', region: 'eu' } })).not.toBeNull();
  });
});
