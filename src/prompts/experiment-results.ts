/**
 * Per-variant results of an experiment, read from its traces and the scores posted on them:
 * requests, error rate, latency p50/p95, cost per request, and every numeric or boolean score (app
 * feedback, annotations, eval metrics). Each variant is compared with the baseline (the first
 * variant unless named): error rate and 0/1 scores with the two-proportion z-test, other scores and
 * latency with Welch's t-test, each with a confidence interval, and — given the effect to detect — the
 * minimum sample size per variant.
 */
import {
  meanSampleSize,
  proportionSampleSize,
  summarize,
  twoProportionZTest,
  welchTTest,
  type Comparison,
} from '../statistics/hypothesis-tests.js';
import type { ExperimentScoreRow, ExperimentTraceRow } from './prompt-repository.js';
import type { Experiment } from './types.js';

export interface ResultsOptions {
  /** Variant the others are compared with (default: the first). */
  baseline?: string | undefined;
  /** 0.95 unless given. */
  confidence: number;
  /** Absolute effect to size the experiment for, per metric (`feedback: 0.1`, `latency_ms: 50`). */
  effects: Record<string, number>;
}

export interface ScoreResult {
  count: number;
  mean: number;
  /** `binary` when every value is 0 or 1 (thumbs, pass/fail). */
  kind: 'binary' | 'numeric';
  sources: string[];
}

export interface VariantResult {
  name: string;
  version: number;
  weight: number;
  requests: number;
  errors: number;
  errorRate: number | null;
  latencyMs: { p50: number | null; p95: number | null };
  /** Average USD over the requests whose cost is known; null when none is. */
  costPerRequest: number | null;
  scores: Record<string, ScoreResult>;
}

export interface MetricComparison extends Comparison {
  metric: string;
  test: 'two-proportion z-test' | "Welch's t-test";
  significant: boolean;
  /** Per variant, for the effect given in `effects[metric]`. */
  minimumSampleSize: number | null;
}

export interface ExperimentResults {
  experiment: Experiment;
  baseline: string;
  variants: VariantResult[];
  /** Variant name → its comparisons with the baseline (metrics without enough data are left out). */
  comparisons: Record<string, MetricComparison[]>;
}

interface VariantData {
  traces: ExperimentTraceRow[];
  scores: Map<string, { values: number[]; sources: Set<string> }>;
}

export function experimentResults(
  experiment: Experiment,
  traces: readonly ExperimentTraceRow[],
  scores: readonly ExperimentScoreRow[],
  options: ResultsOptions,
): ExperimentResults {
  const data = new Map<string, VariantData>(
    experiment.variants.map((variant) => [variant.name, { traces: [], scores: new Map() }]),
  );
  for (const trace of traces) data.get(trace.variant)?.traces.push(trace);
  for (const score of scores) {
    const variant = data.get(score.variant);
    if (variant === undefined) continue;
    let entry = variant.scores.get(score.name);
    if (entry === undefined) {
      entry = { values: [], sources: new Set() };
      variant.scores.set(score.name, entry);
    }
    entry.values.push(score.value);
    entry.sources.add(score.source);
  }

  const baselineName = options.baseline ?? experiment.variants[0]?.name ?? '';
  const baseline = data.get(baselineName);
  const comparisons: Record<string, MetricComparison[]> = {};
  if (baseline !== undefined) {
    for (const variant of experiment.variants) {
      if (variant.name === baselineName) continue;
      comparisons[variant.name] = compare(baseline, data.get(variant.name)!, options);
    }
  }
  return {
    experiment,
    baseline: baselineName,
    variants: experiment.variants.map((variant) => describeVariant(variant, data.get(variant.name)!)),
    comparisons,
  };
}

function describeVariant(variant: Experiment['variants'][number], data: VariantData): VariantResult {
  const requests = data.traces.length;
  const errors = data.traces.filter(isError).length;
  const durations = data.traces.map((trace) => trace.durationMs).sort((a, b) => a - b);
  const costs = data.traces.flatMap((trace) => (trace.cost === null ? [] : [trace.cost]));
  const scores: Record<string, ScoreResult> = {};
  for (const [name, entry] of data.scores) {
    scores[name] = {
      count: entry.values.length,
      mean: summarize(entry.values).mean,
      kind: isBinary(entry.values) ? 'binary' : 'numeric',
      sources: [...entry.sources].sort(),
    };
  }
  return {
    name: variant.name,
    version: variant.version,
    weight: variant.weight,
    requests,
    errors,
    errorRate: requests === 0 ? null : errors / requests,
    latencyMs: { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95) },
    costPerRequest: costs.length === 0 ? null : costs.reduce((sum, cost) => sum + cost, 0) / costs.length,
    scores,
  };
}

function compare(baseline: VariantData, variant: VariantData, options: ResultsOptions): MetricComparison[] {
  const results: MetricComparison[] = [];
  const alpha = 1 - options.confidence;
  const push = (
    metric: string,
    test: MetricComparison['test'],
    comparison: Comparison | null,
    size: number | null,
  ) => {
    if (comparison === null) return;
    results.push({
      metric,
      test,
      ...comparison,
      significant: comparison.pValue < alpha,
      minimumSampleSize: size,
    });
  };

  const baselineErrors = baseline.traces.filter(isError).length;
  push(
    'error_rate',
    'two-proportion z-test',
    twoProportionZTest(
      { successes: baselineErrors, trials: baseline.traces.length },
      { successes: variant.traces.filter(isError).length, trials: variant.traces.length },
      options.confidence,
    ),
    proportionSize(baselineErrors / Math.max(1, baseline.traces.length), options.effects.error_rate, alpha),
  );
  const baselineLatency = summarize(baseline.traces.map((trace) => trace.durationMs));
  push(
    'latency_ms',
    "Welch's t-test",
    welchTTest(
      baselineLatency,
      summarize(variant.traces.map((trace) => trace.durationMs)),
      options.confidence,
    ),
    meanSize(baselineLatency.variance, options.effects.latency_ms, alpha),
  );
  for (const [name, entry] of baseline.scores) {
    const other = variant.scores.get(name);
    if (other === undefined) continue;
    if (isBinary(entry.values) && isBinary(other.values)) {
      const successes = entry.values.filter((value) => value === 1).length;
      push(
        name,
        'two-proportion z-test',
        twoProportionZTest(
          { successes, trials: entry.values.length },
          { successes: other.values.filter((value) => value === 1).length, trials: other.values.length },
          options.confidence,
        ),
        proportionSize(successes / entry.values.length, options.effects[name], alpha),
      );
    } else {
      const summary = summarize(entry.values);
      push(
        name,
        "Welch's t-test",
        welchTTest(summary, summarize(other.values), options.confidence),
        meanSize(summary.variance, options.effects[name], alpha),
      );
    }
  }
  return results;
}

function proportionSize(baselineRate: number, effect: number | undefined, alpha: number): number | null {
  if (effect === undefined) return null;
  // A baseline of exactly 0 or 1 has no variance to size from; nudge it inside (0, 1).
  const rate = Math.min(Math.max(baselineRate, 0.001), 0.999);
  try {
    return proportionSampleSize(rate, effect, alpha);
  } catch {
    return null;
  }
}

function meanSize(variance: number, effect: number | undefined, alpha: number): number | null {
  if (effect === undefined || !(variance > 0) || effect === 0) return null;
  return meanSampleSize(Math.sqrt(variance), effect, alpha);
}

function isError(trace: ExperimentTraceRow): boolean {
  return trace.status === 'error';
}

function isBinary(values: readonly number[]): boolean {
  return values.every((value) => value === 0 || value === 1);
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? null;
}
