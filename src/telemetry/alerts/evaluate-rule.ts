/**
 * One evaluation of one rule: the metric over the trailing window (and the baseline window, for
 * relative rules) from the aggregates, and whether the condition holds.
 */
import { additiveMetrics, type AlertMetric, type AlertRule } from '../../config/alert-rule.js';
import type { TraceAnalytics } from '../../storage/trace-analytics.js';
import { aggregate, type AggregatePoint } from '../queries/aggregate.js';
import type { AlertCheck } from './alert-check.js';

export interface RuleEvaluation {
  /** Null when the window had too little data to judge (fewer than `min_requests`). */
  value: number | null;
  /** The threshold the value was compared with (factor × baseline for relative rules). */
  threshold: number | null;
  breached: boolean;
  requests: number;
}

/** A metric rule as a check of the alert engine, with a single instance. */
export function metricRuleCheck(analytics: TraceAnalytics, rule: AlertRule): AlertCheck {
  return {
    ...rule,
    kind: 'metric',
    async evaluate(at) {
      const result = await evaluateRule(analytics, rule, at);
      return [
        {
          instance: null,
          ...result,
          describe: (state) => describeRule(rule, state, result),
          details: {
            metric: rule.metric,
            requests: result.requests,
            severity: rule.severity,
            filter: rule.filter,
          },
        },
      ];
    },
  };
}

function describeRule(
  rule: AlertRule,
  state: 'pending' | 'firing' | 'resolved',
  result: RuleEvaluation,
): string {
  const value = result.value === null ? 'no data' : Number(result.value.toPrecision(4));
  const threshold = result.threshold === null ? 'n/a' : Number(result.threshold.toPrecision(4));
  const verb = state === 'resolved' ? 'is back within' : 'breaches';
  return `${rule.metric} over ${rule.window / 1000}s = ${value} ${verb} ${rule.operator} ${threshold}`;
}

// One bucket covering any window: bucket = start_time - (start_time % 2^52) = 0.
const singleBucketMs = 2 ** 52;

export async function evaluateRule(
  analytics: TraceAnalytics,
  rule: AlertRule,
  now: number,
): Promise<RuleEvaluation> {
  const current = await windowPoint(analytics, rule, now - rule.window, now);
  const requests = current?.requests ?? 0;
  const value = current === null || requests < rule.min_requests ? null : metricValue(current, rule.metric);
  if (value === null) return { value: null, threshold: null, breached: false, requests };
  let threshold = rule.threshold;
  if (rule.baseline !== undefined) {
    const baselineWindow = rule.baseline.window ?? rule.window;
    const end = now - rule.baseline.offset;
    const baselinePoint = await windowPoint(analytics, rule, end - baselineWindow, end);
    const baselineValue = baselinePoint === null ? null : metricValue(baselinePoint, rule.metric);
    // No baseline yet (a new deployment): nothing to compare with.
    if (baselineValue === null) return { value, threshold: null, breached: false, requests };
    const scaled = additiveMetrics.has(rule.metric)
      ? (baselineValue * rule.window) / baselineWindow
      : baselineValue;
    threshold = rule.threshold * scaled;
  }
  return { value, threshold, breached: compare(value, rule.operator, threshold), requests };
}

async function windowPoint(
  analytics: TraceAnalytics,
  rule: AlertRule,
  from: number,
  to: number,
): Promise<AggregatePoint | null> {
  const points = await aggregate(analytics, {
    from,
    to,
    bucketMs: singleBucketMs,
    groupBy: 'none',
    ...rule.filter,
  });
  return points[0] ?? null;
}

function metricValue(point: AggregatePoint, metric: AlertMetric): number | null {
  switch (metric) {
    case 'requests':
      return point.requests;
    case 'errors':
      return point.errors;
    case 'error_rate':
      return point.errorRate;
    case 'cost':
      return point.cost ?? 0;
    case 'latency_p50_ms':
      return point.latencyP50Ms;
    case 'latency_p95_ms':
      return point.latencyP95Ms;
    case 'latency_p99_ms':
      return point.latencyP99Ms;
    case 'ttft_p95_ms':
      return point.ttftP95Ms;
    case 'cache_hit_rate':
      return point.cacheHitRate;
    case 'guardrail_trigger_rate':
      return point.guardrailTriggerRate;
    case 'mean_score':
      return point.meanScore;
  }
}

function compare(value: number, operator: AlertRule['operator'], threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}
