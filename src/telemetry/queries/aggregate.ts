/**
 * Aggregates over time buckets, grouped by one dimension: requests, errors, tokens, cost, latency and
 * TTFT percentiles, cache hit rate, guardrail trigger rate and mean score — what dashboards chart and
 * alert rules compare with thresholds. Percentiles come from the store's log-scale latency histogram.
 */
import {
  latencyBinsPerLogUnit,
  type AggregateQuery,
  type CountBinRow,
  type TraceAnalytics,
} from '../../storage/trace-analytics.js';

export interface AggregatePoint {
  /** Epoch ms of the bucket's start. */
  bucketStart: number;
  /** Value of the grouping dimension; null when not grouped (or the value is unknown). */
  group: string | null;
  requests: number;
  errors: number;
  errorRate: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of the priced calls; null when none had a known price. */
  cost: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  /** Share of cache lookups that hit; null when the cache did not run. */
  cacheHitRate: number | null;
  /** Share of guarded requests a guardrail triggered on; null when no guardrail ran. */
  guardrailTriggerRate: number | null;
  /** Mean of the scores attached to the bucket's traces; null without scores. */
  meanScore: number | null;
}

interface Accumulator {
  point: AggregatePoint;
  latency: Map<number, number>;
  ttft: Map<number, number>;
  cacheHits: number;
  cacheLookups: number;
  guardrailTriggers: number;
  guardrailChecks: number;
}

/**
 * @example
 * const points = await aggregate(analytics, { from, to, bucketMs: 3_600_000, groupBy: 'model' });
 */
export async function aggregate(
  analytics: TraceAnalytics,
  query: AggregateQuery,
  options: { exact?: boolean } = {},
): Promise<AggregatePoint[]> {
  const [rows, scoreRows] = await Promise.all([
    analytics.aggregateRows(query, options),
    analytics.scores(query),
  ]);
  const points = new Map<string, Accumulator>();
  const entry = (bucket: number, group: string | null): Accumulator => {
    const key = `${bucket}\u0000${group ?? ''}`;
    let found = points.get(key);
    if (found === undefined) {
      found = {
        point: emptyPoint(Number(bucket), group),
        latency: new Map(),
        ttft: new Map(),
        cacheHits: 0,
        cacheLookups: 0,
        guardrailTriggers: 0,
        guardrailChecks: 0,
      };
      points.set(key, found);
    }
    return found;
  };
  for (const row of rows.totals) {
    const target = entry(row.bucket, row.group);
    const { point } = target;
    point.requests += Number(row.requests);
    point.errors += Number(row.errors);
    point.inputTokens += Number(row.inputTokens ?? 0);
    point.outputTokens += Number(row.outputTokens ?? 0);
    if (row.cost !== null) point.cost = (point.cost ?? 0) + Number(row.cost);
    target.cacheHits += Number(row.cacheHits ?? 0);
    target.cacheLookups += Number(row.cacheLookups);
    target.guardrailTriggers += Number(row.guardrailTriggers ?? 0);
    target.guardrailChecks += Number(row.guardrailChecks);
  }
  // A bin may come in several rows (rollup minutes and the partial minutes at the window's ends).
  for (const row of rows.latency) addCount(entry(row.bucket, row.group).latency, row);
  for (const row of rows.ttft) addCount(entry(row.bucket, row.group).ttft, row);
  for (const row of scoreRows) entry(row.bucket, row.group).point.meanScore = Number(row.meanScore);

  return [...points.values()]
    .map((accumulator) => finish(accumulator))
    .sort((a, b) => a.bucketStart - b.bucketStart || (a.group ?? '').localeCompare(b.group ?? ''));
}

function addCount(bins: Map<number, number>, row: CountBinRow): void {
  const bin = Number(row.bin);
  bins.set(bin, (bins.get(bin) ?? 0) + Number(row.count));
}

function finish(accumulator: Accumulator): AggregatePoint {
  const { point } = accumulator;
  point.errorRate = point.requests === 0 ? 0 : point.errors / point.requests;
  point.latencyP50Ms = percentile(accumulator.latency, 0.5);
  point.latencyP95Ms = percentile(accumulator.latency, 0.95);
  point.latencyP99Ms = percentile(accumulator.latency, 0.99);
  point.ttftP50Ms = percentile(accumulator.ttft, 0.5);
  point.ttftP95Ms = percentile(accumulator.ttft, 0.95);
  point.cacheHitRate =
    accumulator.cacheLookups === 0 ? null : accumulator.cacheHits / accumulator.cacheLookups;
  point.guardrailTriggerRate =
    accumulator.guardrailChecks === 0 ? null : accumulator.guardrailTriggers / accumulator.guardrailChecks;
  return point;
}

/** The q-quantile of a histogram of log-scale bins (nearest-rank), at the bin's centre; null when empty. */
export function percentile(bins: ReadonlyMap<number, number>, q: number): number | null {
  let total = 0;
  for (const count of bins.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bin of [...bins.keys()].sort((a, b) => a - b)) {
    seen += bins.get(bin)!;
    if (seen >= rank) return Math.exp(bin / latencyBinsPerLogUnit);
  }
  return null;
}

function emptyPoint(bucketStart: number, group: string | null): AggregatePoint {
  return {
    bucketStart,
    group,
    requests: 0,
    errors: 0,
    errorRate: 0,
    inputTokens: 0,
    outputTokens: 0,
    cost: null,
    latencyP50Ms: null,
    latencyP95Ms: null,
    latencyP99Ms: null,
    ttftP50Ms: null,
    ttftP95Ms: null,
    cacheHitRate: null,
    guardrailTriggerRate: null,
    meanScore: null,
  };
}
