import { describe, expect, it } from 'vitest';
import {
  binShares,
  categoricalPsi,
  numericPsi,
  psiFromShares,
  quantileEdges,
} from './population-stability.js';

describe('population stability index', () => {
  it('matches the value computed by hand for four bins', () => {
    // (0.1−0.25)ln(0.4) + (0.2−0.25)ln(0.8) + (0.3−0.25)ln(1.2) + (0.4−0.25)ln(1.6)
    expect(psiFromShares([0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4])).toBeCloseTo(0.2282174, 6);
  });

  it('is zero for identical distributions and symmetric in its arguments', () => {
    expect(psiFromShares([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(psiFromShares([0.6, 0.4], [0.3, 0.7])).toBeCloseTo(psiFromShares([0.3, 0.7], [0.6, 0.4]), 12);
  });

  it('floors an empty bin at epsilon instead of dividing by zero', () => {
    // A third bin empty in the reference and holding half the recent sample: 0.25·ln2·2 + (0.5−1e-4)·ln(5000)
    expect(psiFromShares([0.5, 0.5, 0], [0.25, 0.25, 0.5])).toBeCloseTo(4.6043185, 6);
  });

  it('bins numbers by the reference deciles, merging tied quantiles', () => {
    expect(quantileEdges([10, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(quantileEdges([5, 5, 5, 5, 7, 7, 7, 7, 7, 7])).toEqual([5, 7]);
    expect(quantileEdges([])).toEqual([]);
    expect(binShares([0, 5, 6, 7, 8], [5, 7])).toEqual([0.4, 0.4, 0.2]);
  });

  it('reads no shift between samples of the same lengths and a large one when lengths grow', () => {
    const reference = Array.from({ length: 100 }, (_, index) => 10 + (index % 20));
    expect(numericPsi(reference, [...reference].reverse())).toBe(0);
    // Every recent value above the reference's top edge: all mass moves to the last bin.
    const longer = reference.map((value) => value * 10);
    expect(numericPsi(reference, longer)).toBeGreaterThan(2);
    // A constant reference still registers recent values above it and below it.
    const halfMoved = -0.5 * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4);
    expect(numericPsi([8, 8, 8, 8], [8, 8, 40, 40])).toBeCloseTo(halfMoved, 9);
    expect(numericPsi([8, 8, 8, 8], [8, 8, 2, 3])).toBeCloseTo(halfMoved, 9);
    // Shorter answers than the reference ever gave: everything moves to the bin below its minimum.
    expect(
      numericPsi(
        reference,
        reference.map((value) => value - 10),
      ),
    ).toBeGreaterThan(2);
  });

  it('compares category mixes over the union of both samples', () => {
    expect(categoricalPsi(['en', 'en', 'fr', 'fr'], ['en', 'fr', 'fr', 'fr'])).toBeCloseTo(
      0.25 * Math.log(2) + 0.25 * Math.log(1.5),
      12,
    );
    expect(categoricalPsi(['en', 'en'], ['en', 'en'])).toBe(0);
    // Half the traffic in a language the reference never saw.
    expect(categoricalPsi(['en', 'en'], ['en', 'de'])).toBeCloseTo(
      0.5 * Math.log(2) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4),
      9,
    );
  });
});
