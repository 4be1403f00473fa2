/**
 * The population stability index (PSI): how far a recent distribution has moved from a reference one,
 *
 *   PSI = Σ_i (a_i − e_i) · ln(a_i / e_i)
 *
 * where e_i and a_i are the shares of the reference (expected) and recent (actual) samples in bin i.
 * It is symmetric (a symmetrised Kullback–Leibler divergence, KL(a‖e) + KL(e‖a)) and never negative.
 * The conventional reading: < 0.1 no significant change, 0.1–0.2 moderate, > 0.2 significant.
 *
 * Numbers are binned by the reference sample's quantiles (deciles by default), so each bin holds about
 * the same share of the reference; bins are (−∞, min), [min, q1], (q1, q2], …, (qk, +∞), where the
 * first, below the reference's minimum, is empty in the reference and catches recent values smaller
 * than any it saw. Equal quantiles (integer token counts tie often) are merged, so a reference with
 * few distinct values gets fewer, wider bins; a constant reference still tells lower and higher apart.
 * Categories (languages, yes/no) are their own bins, over the union of both samples' categories.
 * An empty bin's share is floored at `epsilon` (1e-4) so the logarithm stays finite: a category that
 * appears only in one window then weighs ≈ share × ln(share / 1e-4), which is what makes a new language
 * at 50% of traffic read as a large shift (≈ 4.3) rather than infinity.
 */

export const psiEpsilon = 1e-4;

/** PSI of two share vectors over the same bins (each should sum to 1). */
export function psiFromShares(
  expected: readonly number[],
  actual: readonly number[],
  epsilon = psiEpsilon,
): number {
  if (expected.length !== actual.length) throw new RangeError('PSI needs the same bins on both sides');
  let sum = 0;
  for (let index = 0; index < expected.length; index++) {
    const e = Math.max(expected[index]!, epsilon);
    const a = Math.max(actual[index]!, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/**
 * Interior bin edges from the reference sample's quantiles: the values at ranks i/bins (i = 1…bins−1,
 * nearest-rank on the sorted sample), duplicates removed. Empty for an empty sample. When the top
 * edge is the reference's maximum (a constant reference), the last bin (max, +∞) is empty in the
 * reference, so recent values beyond anything seen there still register as a shift.
 */
export function quantileEdges(reference: readonly number[], bins = 10): number[] {
  if (reference.length === 0) return [];
  const sorted = [...reference].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let index = 1; index < bins; index++) {
    const rank = Math.ceil((index / bins) * sorted.length) - 1;
    const edge = sorted[Math.max(0, rank)]!;
    if (edges.at(-1) !== edge) edges.push(edge);
  }
  return edges;
}

/** Shares of the values in the bins (−∞, e1], (e1, e2], …, (ek, +∞). */
export function binShares(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    let bin = 0;
    while (bin < edges.length && value > edges[bin]!) bin++;
    counts[bin]!++;
  }
  return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
}

/**
 * PSI of a numeric quantity (lengths) between two samples, binned by the reference's quantiles, plus
 * one bin below the reference's minimum (empty in the reference by construction), so recent values
 * below anything seen register as a shift just as values above it do.
 *
 * @example
 * numericPsi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // 0
 */
export function numericPsi(reference: readonly number[], recent: readonly number[], bins = 10): number {
  const edges = quantileEdges(reference, bins);
  const minimum = reference.reduce((low, value) => Math.min(low, value), Infinity);
  const shares = (values: readonly number[]) => {
    const below = values.filter((value) => value < minimum).length;
    const rest = values.filter((value) => value >= minimum);
    const total = values.length === 0 ? 1 : values.length;
    return [below / total, ...binShares(rest, edges).map((share) => (share * rest.length) / total)];
  };
  return psiFromShares(shares(reference), shares(recent));
}

/**
 * PSI of a categorical quantity (language, refused or not) between two samples of labels.
 *
 * @example
 * categoricalPsi(['en', 'en', 'fr', 'fr'], ['en', 'fr', 'fr', 'fr']); // 0.25·ln(2) + 0.25·ln(1.5) ≈ 0.2747
 */
export function categoricalPsi(reference: readonly string[], recent: readonly string[]): number {
  const referenceCounts = countLabels(reference);
  const recentCounts = countLabels(recent);
  const categories = [...new Set([...referenceCounts.keys(), ...recentCounts.keys()])];
  const shares = (counts: Map<string, number>, total: number) =>
    categories.map((category) => (total === 0 ? 0 : (counts.get(category) ?? 0) / total));
  return psiFromShares(shares(referenceCounts, reference.length), shares(recentCounts, recent.length));
}

/** How often each label occurs. */
export function countLabels(labels: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}
