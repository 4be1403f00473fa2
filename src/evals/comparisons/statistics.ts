/**
 * Paired statistics for comparing two runs item by item: a bootstrap confidence interval of the mean
 * difference, the sign test and the Wilcoxon signed-rank test (two-sided, as scipy's `binomtest` and
 * `wilcoxon` with their defaults compute them).
 */

export interface ConfidenceInterval {
  mean: number;
  low: number;
  high: number;
}

/** mulberry32: a small seeded generator, so intervals are reproducible run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Percentile bootstrap of the mean of paired differences: resample the pairs with replacement
 * `resamples` times and take the (1 − confidence) / 2 quantiles of the resampled means.
 */
export function pairedBootstrapCi(
  differences: readonly number[],
  options: { resamples?: number; confidence?: number; seed?: number } = {},
): ConfidenceInterval {
  const n = differences.length;
  if (n === 0) return { mean: 0, low: 0, high: 0 };
  const mean = differences.reduce((sum, value) => sum + value, 0) / n;
  const resamples = options.resamples ?? 2000;
  const alpha = (1 - (options.confidence ?? 0.95)) / 2;
  const random = seededRandom(options.seed ?? 0x5eed);
  const means = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample += 1) {
    let sum = 0;
    for (let draw = 0; draw < n; draw += 1) sum += differences[Math.floor(random() * n)] ?? 0;
    means[resample] = sum / n;
  }
  means.sort();
  return { mean, low: quantile(means, alpha), high: quantile(means, 1 - alpha) };
}

/** Linear interpolation between order statistics (numpy's default). */
function quantile(sorted: Float64Array, probability: number): number {
  const position = probability * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const lower = sorted[below] ?? 0;
  return lower + ((sorted[above] ?? 0) - lower) * (position - below);
}

export interface SignTest {
  positive: number;
  negative: number;
  ties: number;
  /** Two-sided; 1 when every pair ties. */
  pValue: number;
}

export function signTest(differences: readonly number[]): SignTest {
  const positive = differences.filter((value) => value > 0).length;
  const negative = differences.filter((value) => value < 0).length;
  const n = positive + negative;
  const k = Math.min(positive, negative);
  let tail = 0;
  for (let i = 0; i <= k; i += 1) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return { positive, negative, ties: differences.length - n, pValue: n === 0 ? 1 : Math.min(1, 2 * tail) };
}

function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i += 1) sum += Math.log((n - k + i) / i);
  return sum;
}

export interface WilcoxonTest {
  /** min(W+, W−), scipy's two-sided statistic. */
  statistic: number;
  wPlus: number;
  wMinus: number;
  /** Non-zero differences used. */
  n: number;
  pValue: number;
  /** Exact distribution for n ≤ 50 without ties; normal approximation otherwise. */
  method: 'exact' | 'normal';
}

/** Zero differences are dropped (`zero_method='wilcox'`); tied magnitudes get average ranks. */
export function wilcoxonSignedRank(differences: readonly number[]): WilcoxonTest {
  const nonZero = differences.filter((value) => value !== 0);
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, wPlus: 0, wMinus: 0, n: 0, pValue: 1, method: 'exact' };
  const order = nonZero
    .map((value, index) => ({ magnitude: Math.abs(value), index }))
    .sort((a, b) => a.magnitude - b.magnitude);
  const ranks = new Array<number>(n).fill(0);
  let hasTies = false;
  let tieCorrection = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && order[end + 1]?.magnitude === order[start]?.magnitude) end += 1;
    const size = end - start + 1;
    if (size > 1) {
      hasTies = true;
      tieCorrection += size ** 3 - size;
    }
    const averageRank = (start + end) / 2 + 1;
    for (let position = start; position <= end; position += 1)
      ranks[order[position]?.index ?? 0] = averageRank;
    start = end + 1;
  }
  let wPlus = 0;
  let wMinus = 0;
  nonZero.forEach((value, index) => {
    if (value > 0) wPlus += ranks[index] ?? 0;
    else wMinus += ranks[index] ?? 0;
  });
  const statistic = Math.min(wPlus, wMinus);
  if (n <= 50 && !hasTies) {
    return {
      statistic,
      wPlus,
      wMinus,
      n,
      pValue: Math.min(1, 2 * exactLowerTail(n, statistic)),
      method: 'exact',
    };
  }
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection / 48;
  const z = (statistic - mean) / Math.sqrt(variance);
  return { statistic, wPlus, wMinus, n, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))), method: 'normal' };
}

/** P(W ≤ w) for the signed-rank statistic of n untied ranks: subsets of 1..n by their sum. */
function exactLowerTail(n: number, w: number): number {
  const maxSum = (n * (n + 1)) / 2;
  const counts = new Float64Array(maxSum + 1);
  counts[0] = 1;
  for (let rank = 1; rank <= n; rank += 1) {
    for (let sum = maxSum; sum >= rank; sum -= 1)
      counts[sum] = (counts[sum] ?? 0) + (counts[sum - rank] ?? 0);
  }
  let tail = 0;
  for (let sum = 0; sum <= Math.floor(w); sum += 1) tail += counts[sum] ?? 0;
  return tail / 2 ** n;
}

/** Standard normal CDF via the complementary error function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes' erfcc: Chebyshev fit, fractional error below 1.2e-7 everywhere.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
