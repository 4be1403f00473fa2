/**
 * A candidate run against a baseline run of the same tests: items paired by test (and prompt and
 * target), items that flipped pass → fail first, then per metric the mean delta with a paired bootstrap
 * confidence interval, a sign test and a Wilcoxon signed-rank test. A regression is an item that
 * flipped to fail, or a metric whose drop is significant (interval below 0 and Wilcoxon p < alpha).
 */
import type { ItemResult } from '../records.js';
import {
  pairedBootstrapCi,
  signTest,
  wilcoxonSignedRank,
  type ConfidenceInterval,
  type SignTest,
  type WilcoxonTest,
} from './statistics.js';

export interface ItemChange {
  pairKey: string;
  testKey: string;
  description: string | null;
  baseline: { pass: boolean; score: number; output: string | null };
  candidate: { pass: boolean; score: number; output: string | null; error: string | null };
  /** The candidate's failing assertions, `metric: reason`. */
  failures: string[];
}

export interface MetricComparison {
  /** An assertion metric, or `score` for the item score. */
  metric: string;
  pairs: number;
  baselineMean: number;
  candidateMean: number;
  /** Candidate − baseline, with its bootstrap interval. */
  delta: ConfidenceInterval;
  signTest: SignTest;
  wilcoxon: WilcoxonTest;
  verdict: 'better' | 'worse' | 'unchanged';
}

export interface RunComparison {
  paired: number;
  baselineOnly: string[];
  candidateOnly: string[];
  passRate: { baseline: number; candidate: number };
  flippedToFail: ItemChange[];
  flippedToPass: ItemChange[];
  metrics: MetricComparison[];
  regression: boolean;
  /** Why the comparison is a regression, one line each. */
  regressionReasons: string[];
}

export interface CompareOptions {
  /** Significance level of the tests (default 0.05). */
  alpha?: number;
}

export function compareRuns(
  baseline: readonly ItemResult[],
  candidate: readonly ItemResult[],
  options: CompareOptions = {},
): RunComparison {
  const alpha = options.alpha ?? 0.05;
  // Runs of one target each (v1 against v2) pair by test and prompt; otherwise targets must match too.
  const byTestOnly =
    distinct(baseline.map((result) => result.target)) <= 1 &&
    distinct(candidate.map((result) => result.target)) <= 1;
  const keyOf = (result: ItemResult): string =>
    byTestOnly ? `${result.testKey}|${result.promptId}` : result.itemKey;
  const baselineByKey = new Map(baseline.map((result) => [keyOf(result), result]));
  const candidateByKey = new Map(candidate.map((result) => [keyOf(result), result]));
  const pairs: [string, ItemResult, ItemResult][] = [];
  for (const result of candidate) {
    const before = baselineByKey.get(keyOf(result));
    if (before !== undefined) pairs.push([keyOf(result), before, result]);
  }

  const change = ([pairKey, before, after]: [string, ItemResult, ItemResult]): ItemChange => ({
    pairKey,
    testKey: after.testKey,
    description: after.description,
    baseline: { pass: before.pass, score: before.score, output: before.output },
    candidate: { pass: after.pass, score: after.score, output: after.output, error: after.error },
    failures: [
      ...(after.error === null ? [] : [`error: ${after.error}`]),
      ...after.assertions
        .filter((assertion) => !assertion.pass)
        .map((assertion) => `${assertion.metric}: ${assertion.reason}`),
    ],
  });
  const flippedToFail = pairs.filter(([, before, after]) => before.pass && !after.pass).map(change);
  const flippedToPass = pairs.filter(([, before, after]) => !before.pass && after.pass).map(change);

  const metricNames = [
    'score',
    ...new Set(candidate.flatMap((result) => result.assertions.map((assertion) => assertion.metric))),
  ];
  const metrics = metricNames.flatMap((metric) => {
    const values = pairs.flatMap(([, before, after]) => {
      const x = metricScore(before, metric);
      const y = metricScore(after, metric);
      return x === undefined || y === undefined ? [] : [[x, y] as const];
    });
    if (values.length === 0) return [];
    const differences = values.map(([x, y]) => y - x);
    const delta = pairedBootstrapCi(differences, { confidence: 1 - alpha });
    const wilcoxon = wilcoxonSignedRank(differences);
    const significant = wilcoxon.pValue < alpha;
    const verdict: MetricComparison['verdict'] =
      significant && delta.high < 0 ? 'worse' : significant && delta.low > 0 ? 'better' : 'unchanged';
    return [
      {
        metric,
        pairs: values.length,
        baselineMean: mean(values.map(([x]) => x)),
        candidateMean: mean(values.map(([, y]) => y)),
        delta,
        signTest: signTest(differences),
        wilcoxon,
        verdict,
      },
    ];
  });

  const regressionReasons = [
    ...(flippedToFail.length === 0 ? [] : [`${flippedToFail.length} item(s) flipped from pass to fail`]),
    ...metrics
      .filter((metric) => metric.verdict === 'worse')
      .map(
        (metric) =>
          `${metric.metric} dropped by ${(-metric.delta.mean).toFixed(4)} (CI ${metric.delta.low.toFixed(4)} to ${metric.delta.high.toFixed(4)}, Wilcoxon p=${metric.wilcoxon.pValue.toPrecision(3)})`,
      ),
  ];
  return {
    paired: pairs.length,
    baselineOnly: [...baselineByKey.keys()].filter((key) => !candidateByKey.has(key)),
    candidateOnly: [...candidateByKey.keys()].filter((key) => !baselineByKey.has(key)),
    passRate: {
      baseline: mean(pairs.map(([, before]) => (before.pass ? 1 : 0))),
      candidate: mean(pairs.map(([, , after]) => (after.pass ? 1 : 0))),
    },
    flippedToFail,
    flippedToPass,
    metrics,
    regression: regressionReasons.length > 0,
    regressionReasons,
  };
}

function metricScore(result: ItemResult, metric: string): number | undefined {
  if (metric === 'score') return result.score;
  const scores = result.assertions
    .filter((assertion) => assertion.metric === metric)
    .map((assertion) => assertion.score);
  return scores.length === 0 ? undefined : mean(scores);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function distinct(values: readonly string[]): number {
  return new Set(values).size;
}
