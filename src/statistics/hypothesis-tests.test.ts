/** The tests against reference values computed with scipy 1.17 (stats.ttest_ind, stats.norm, stats.t). */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions.js';
import {
  meanSampleSize,
  proportionSampleSize,
  summarize,
  twoProportionZTest,
  welchTTest,
} from './hypothesis-tests.js';

describe('distributions', () => {
  it('match scipy', () => {
    expect(normalCdf(-3.2)).toBeCloseTo(0.0006871379379158471, 12);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(studentTCdf(2.1, 5)).toBeCloseTo(0.9551233750577006, 9);
    expect(2 * (1 - studentTCdf(1, 1.5))).toBeCloseTo(0.45113536727671033, 9);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.5705818356363146, 8);
    expect(studentTQuantile(0.975, 24.938)).toBeCloseTo(2.059798214727044, 8);
  });
});

describe("Welch's t-test", () => {
  // The two samples of Wikipedia's Welch's t-test article (scipy: t 2.4554, p 0.021378, df 24.989).
  const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];

  it('gives the statistic, degrees of freedom, p-value and interval of scipy', () => {
    const result = welchTTest(summarize(a), summarize(b));
    expect(result).not.toBeNull();
    expect(result!.difference).toBeCloseTo(2.166666666666668, 10);
    expect(result!.statistic).toBeCloseTo(2.455356398286006, 9);
    expect(result!.degreesOfFreedom).toBeCloseTo(24.988529290231416, 8);
    expect(result!.pValue).toBeCloseTo(0.021378001462866992, 9);
    expect(result!.confidenceInterval[0]).toBeCloseTo(0.3492370661924069, 8);
    expect(result!.confidenceInterval[1]).toBeCloseTo(3.984096267140929, 8);
  });

  it('has no answer for groups too small or without variance', () => {
    expect(welchTTest(summarize([1]), summarize(b))).toBeNull();
    expect(welchTTest(summarize([2, 2, 2]), summarize([2, 2]))).toBeNull();
  });
});

describe('two-proportion z-test', () => {
  it('gives the pooled z, p-value and Wald interval', () => {
    const result = twoProportionZTest({ successes: 120, trials: 1000 }, { successes: 150, trials: 1000 });
    expect(result!.difference).toBeCloseTo(0.03, 12);
    expect(result!.statistic).toBeCloseTo(1.963049807622355, 10);
    expect(result!.pValue).toBeCloseTo(0.04964038686536878, 10);
    expect(result!.confidenceInterval[0]).toBeCloseTo(7.602882129778554e-5, 9);
    expect(result!.confidenceInterval[1]).toBeCloseTo(0.05992397117870221, 9);
  });

  it('has no answer for an empty group or no variation', () => {
    expect(twoProportionZTest({ successes: 0, trials: 0 }, { successes: 1, trials: 2 })).toBeNull();
    expect(twoProportionZTest({ successes: 0, trials: 10 }, { successes: 0, trials: 10 })).toBeNull();
  });
});

describe('minimum sample size', () => {
  it('for proportions: 10% → 12% at α 0.05, power 0.8 needs 3,841 per group', () => {
    expect(proportionSampleSize(0.1, 0.02)).toBe(3841);
  });
  it('for means: an effect of half a standard deviation needs 63 per group', () => {
    expect(meanSampleSize(10, 5)).toBe(63);
  });
  it('refuses an effect of zero', () => {
    expect(() => proportionSampleSize(0.1, 0)).toThrow(RangeError);
  });
});
