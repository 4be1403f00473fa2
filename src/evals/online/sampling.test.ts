import { describe, expect, it } from 'vitest';
import { sampled } from './online-evaluation.js';

describe('online sampling', () => {
  it('samples about the rate, the same way every time', () => {
    const ids = Array.from({ length: 10_000 }, (_, index) => `trace-${index}`);
    const chosen = ids.filter((id) => sampled('oe_1', id, 0.3));
    expect(chosen.length / ids.length).toBeGreaterThan(0.28);
    expect(chosen.length / ids.length).toBeLessThan(0.32);
    expect(ids.filter((id) => sampled('oe_1', id, 0.3))).toEqual(chosen);
    // Another evaluator draws its own sample.
    expect(ids.filter((id) => sampled('oe_2', id, 0.3))).not.toEqual(chosen);
    expect(sampled('oe_1', 'x', 0)).toBe(false);
    expect(sampled('oe_1', 'x', 1)).toBe(true);
  });
});
