/**
 * Comparing two groups (an experiment's control and a variant): the two-proportion z-test for binary
 * outcomes (error or not, thumbs up or down) and Welch's t-test for numeric ones (a score, latency,
 * cost), each with a two-sided p-value and a confidence interval of the difference B − A, and the
 * minimum sample size per group to detect a chosen effect.
 */
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions.js';

export interface Comparison {
  /** B − A (difference of proportions or of means). */
  difference: number;
  /** The test statistic (z or t). */
  statistic: number;
  /** Two-sided. */
  pValue: number;
  /** Of the difference, at `confidence`. */
  confidenceInterval: [number, number];
  confidence: number;
  /** Welch's t only. */
  degreesOfFreedom?: number;
}

/** Size and moments of a numeric sample. */
export interface SampleSummary {
  count: number;
  mean: number;
  /** Unbiased (n − 1) variance. */
  variance: number;
}

/**
 * Two-proportion z-test: pooled standard error for the statistic (the null says the proportions are
 * equal), unpooled (Wald) for the confidence interval. Null when a group is empty or nothing varies.
 *
 * @example
 * twoProportionZTest({ successes: 120, trials: 1000 }, { successes: 150, trials: 1000 }); // z ≈ 1.963, p ≈ 0.0496
 */
export function twoProportionZTest(
  a: { successes: number; trials: number },
  b: { successes: number; trials: number },
  confidence = 0.95,
): Comparison | null {
  if (a.trials === 0 || b.trials === 0) return null;
  const pA = a.successes / a.trials;
  const pB = b.successes / b.trials;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const pooledError = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  if (pooledError === 0) return null;
  const statistic = (pB - pA) / pooledError;
  const waldError = Math.sqrt((pA * (1 - pA)) / a.trials + (pB * (1 - pB)) / b.trials);
  const margin = normalQuantile(1 - (1 - confidence) / 2) * waldError;
  return {
    difference: pB - pA,
    statistic,
    pValue: 2 * normalCdf(-Math.abs(statistic)),
    confidenceInterval: [pB - pA - margin, pB - pA + margin],
    confidence,
  };
}

/**
 * Welch's t-test (unequal variances) with Welch–Satterthwaite degrees of freedom. Null when a group
 * has fewer than two values or neither varies.
 */
export function welchTTest(a: SampleSummary, b: SampleSummary, confidence = 0.95): Comparison | null {
  if (a.count < 2 || b.count < 2) return null;
  const termA = a.variance / a.count;
  const termB = b.variance / b.count;
  const standardError = Math.sqrt(termA + termB);
  if (standardError === 0) return null;
  const degreesOfFreedom = (termA + termB) ** 2 / (termA ** 2 / (a.count - 1) + termB ** 2 / (b.count - 1));
  const difference = b.mean - a.mean;
  const statistic = difference / standardError;
  const margin = studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom) * standardError;
  return {
    difference,
    statistic,
    pValue: 2 * studentTCdf(-Math.abs(statistic), degreesOfFreedom),
    confidenceInterval: [difference - margin, difference + margin],
    confidence,
    degreesOfFreedom,
  };
}

/** Mean and unbiased variance, in one pass (Welford). */
export function summarize(values: readonly number[]): SampleSummary {
  let mean = 0;
  let sumOfSquares = 0;
  values.forEach((value, index) => {
    const delta = value - mean;
    mean += delta / (index + 1);
    sumOfSquares += delta * (value - mean);
  });
  return { count: values.length, mean, variance: values.length > 1 ? sumOfSquares / (values.length - 1) : 0 };
}

/**
 * Per-group sample size for a two-sided two-proportion test to detect `baseline` → `baseline + effect`
 * (Fleiss, without continuity correction).
 */
export function proportionSampleSize(baseline: number, effect: number, alpha = 0.05, power = 0.8): number {
  const p1 = baseline;
  const p2 = baseline + effect;
  if (effect === 0 || p2 <= 0 || p2 >= 1 || p1 <= 0 || p1 >= 1) {
    throw new RangeError('baseline and baseline + effect must lie strictly between 0 and 1, and differ');
  }
  const average = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zBeta = normalQuantile(power);
  const root =
    zAlpha * Math.sqrt(2 * average * (1 - average)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((root * root) / (effect * effect));
}

/** Per-group sample size for a two-sided test of means to detect `effect` given a standard deviation. */
export function meanSampleSize(standardDeviation: number, effect: number, alpha = 0.05, power = 0.8): number {
  if (effect === 0 || !(standardDeviation > 0))
    throw new RangeError('effect must be non-zero and the standard deviation > 0');
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.ceil((2 * z * z * standardDeviation * standardDeviation) / (effect * effect));
}
