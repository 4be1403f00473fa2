import { describe, expect, it } from 'vitest';
import { normalCdf, pairedBootstrapCi, signTest, wilcoxonSignedRank } from './statistics.js';

// Darwin's paired differences of cross- and self-fertilised plant heights: the example of scipy's
// `wilcoxon` documentation, whose published results are WilcoxonResult(statistic=24.0,
// pvalue=0.041259765625).
const darwin = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];

describe('paired statistics', () => {
  it('Wilcoxon signed-rank matches scipy exactly for small untied samples', () => {
    const test = wilcoxonSignedRank(darwin);
    expect(test.statistic).toBe(24);
    expect(test.pValue).toBeCloseTo(0.041259765625, 12);
    expect(test.method).toBe('exact');
    expect(test.wPlus + test.wMinus).toBe((15 * 16) / 2);
  });

  it('Wilcoxon uses the tie-corrected normal approximation with ties', () => {
    // Ranks: |1|,|1| tie at 1.5; |2| at 3; |3| at 4. W+ = 1.5 + 3 + 4 = 8.5, W- = 1.5.
    const test = wilcoxonSignedRank([1, -1, 2, 3, 0]);
    expect(test).toMatchObject({ statistic: 1.5, n: 4, method: 'normal' });
    const variance = (4 * 5 * 9) / 24 - (2 ** 3 - 2) / 48;
    expect(test.pValue).toBeCloseTo(2 * normalCdf(-(5 - 1.5) / Math.sqrt(variance)), 12);
  });

  it('sign test is the two-sided binomial test of scipy.binomtest', () => {
    // 13 positive, 2 negative: 2 * (C(15,0) + C(15,1) + C(15,2)) / 2^15.
    const test = signTest(darwin);
    expect(test).toMatchObject({ positive: 13, negative: 2, ties: 0 });
    expect(test.pValue).toBeCloseTo(242 / 32768, 12);
    expect(signTest([0, 0]).pValue).toBe(1);
    expect(signTest([1, -1, 0]).pValue).toBe(1);
  });

  it('normal CDF is accurate to 1e-7', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-2.0447)).toBeCloseTo(0.020441, 5);
  });

  it('bootstrap interval is reproducible and brackets the mean', () => {
    const differences = [0.1, 0.3, -0.2, 0.4, 0.0, 0.25, 0.15, -0.05, 0.35, 0.2];
    const interval = pairedBootstrapCi(differences);
    expect(interval.mean).toBeCloseTo(0.15, 12);
    expect(interval.low).toBeLessThan(interval.mean);
    expect(interval.high).toBeGreaterThan(interval.mean);
    expect(interval.low).toBeGreaterThan(0);
    expect(pairedBootstrapCi(differences)).toEqual(interval);
    expect(pairedBootstrapCi([-1, -1, -1])).toEqual({ mean: -1, low: -1, high: -1 });
    expect(pairedBootstrapCi([])).toEqual({ mean: 0, low: 0, high: 0 });
  });
});
