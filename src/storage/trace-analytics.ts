/**
 * The queries dashboards and alerts read: aggregates over time buckets, and sessions. An aggregate's
 * latencies are log-scale histogram bins that telemetry/queries turns into percentiles — the same
 * SQL on both engines, no per-row sort.
 *
 * Two paths give the same numbers. Long windows whose filters and grouping the rollups cover
 * (trace-rollups.ts) read hour rollups for the whole hours (when buckets are whole hours), minute
 * rollups for the other whole minutes, and the traces only for the partial minutes at either end; the rest (a user filter or grouping, buckets that are not whole minutes,
 * windows under an hour) scan the traces in the window.
 *
 * Latency bins: bin = round(ln(ms) × 20), so a bin spans ~5% and a percentile read from its centre is
 * within ~2.5% of the exact value.
 */
import { sql, type RawBuilder } from 'kysely';
import { GatewayError } from '../errors/gateway-error.js';
import type { Database } from './database.js';
import { readStoredShape, type OptionalTraceColumn, type StoredShape } from './optional-columns.js';
import { latencyBinsPerLogUnit, rollupHourMs, rollupMinuteMs } from './trace-rollups.js';

export { latencyBinsPerLogUnit };

/** Windows shorter than this scan the traces: few rows, and their edges are mostly partial minutes. */
export const minimumRollupWindowMs = 3_600_000;

export type AggregateGroup =
  'none' | 'model' | 'provider' | 'user' | 'source' | 'key' | 'project' | 'prompt_version';

export interface AggregateFilter {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  model?: string;
  provider?: string;
  user?: string;
  source?: string;
  tenant?: string;
  project?: string;
}

export interface AggregateQuery extends AggregateFilter {
  bucketMs: number;
  groupBy: AggregateGroup;
}

/** Sums of one (bucket, group). Numbers may arrive as strings (PostgreSQL numeric sums). */
export interface TotalsRow {
  bucket: number;
  group: string | null;
  requests: number;
  errors: number;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Null when no trace had a known cost. */
  cost: number | null;
  cacheHits: number | null;
  cacheLookups: number;
  guardrailTriggers: number | null;
  guardrailChecks: number;
}

/** Sums of one (bucket, group, latency bin): the exact path's scan. */
interface LatencyBinRow extends TotalsRow {
  bin: number;
}

/**
 * What an aggregate is computed from. Rows of one (bucket, group), or one (bucket, group, bin), may
 * appear more than once (rollup and edge rows): consumers add them up.
 */
export interface AggregateRows {
  totals: TotalsRow[];
  latency: CountBinRow[];
  ttft: CountBinRow[];
  /** Which path answered: the rollups (plus edge minutes), or a scan of the traces. */
  path: 'rollup' | 'exact';
}

export interface CountBinRow {
  bucket: number;
  group: string | null;
  bin: number;
  count: number;
}

export interface ScoreRow {
  bucket: number;
  group: string | null;
  meanScore: number;
  scores: number;
}

export interface SessionQuery {
  from?: number;
  to?: number;
  user?: string;
  limit: number;
}

export interface SessionSummary {
  sessionId: string;
  traces: number;
  firstTime: number;
  lastTime: number;
  cost: number | null;
  totalTokens: number | null;
  errors: number;
  /** One user of the session (sessions normally have one). */
  user: string | null;
}

export interface TraceAnalytics {
  /** Totals and histograms per bucket and group; `exact` forces the scan of the traces. */
  aggregateRows(query: AggregateQuery, options?: { exact?: boolean }): Promise<AggregateRows>;
  /** Mean score per bucket and group; empty when no `scores` table exists yet. */
  scores(query: AggregateQuery): Promise<ScoreRow[]>;
  listSessions(query: SessionQuery): Promise<SessionSummary[]>;
}

const groupColumns: Record<Exclude<AggregateGroup, 'none' | 'prompt_version'>, string> = {
  model: 'model',
  provider: 'provider',
  user: 'user_id',
  source: 'source',
  key: 'key_id',
  project: 'project_id',
};

export function createTraceAnalytics(database: Database): TraceAnalytics {
  const { db, dialect } = database;
  let shape: Promise<StoredShape> | undefined;
  const storedShape = (): Promise<StoredShape> => (shape ??= readStoredShape(database));

  async function requireColumns(columns: OptionalTraceColumn[], param: string): Promise<void> {
    const { traceColumns } = await storedShape();
    const missing = columns.find((column) => !traceColumns.has(column));
    if (missing !== undefined) {
      throw new GatewayError('invalid_request', `This deployment stores no ${missing} on traces yet.`, {
        param,
      });
    }
  }

  async function groupExpression(groupBy: AggregateGroup): Promise<RawBuilder<string | null>> {
    if (groupBy === 'none') return sql<null>`null`;
    if (groupBy === 'prompt_version') {
      await requireColumns(['prompt_name', 'prompt_version'], 'group_by');
      return sql<string>`prompt_name || '@' || prompt_version`;
    }
    const column = groupColumns[groupBy];
    if (column === 'key_id' || column === 'project_id') await requireColumns([column], 'group_by');
    return sql<string>`${sql.ref(`traces.${column}`)}`;
  }

  async function where(filter: AggregateFilter): Promise<RawBuilder<unknown>> {
    const conditions: RawBuilder<unknown>[] = [
      sql`traces.start_time >= ${filter.from}`,
      sql`traces.start_time < ${filter.to}`,
    ];
    const equals: [string, string | undefined][] = [
      ['model', filter.model],
      ['provider', filter.provider],
      ['user_id', filter.user],
      ['source', filter.source],
    ];
    if (filter.tenant !== undefined) await requireColumns(['tenant_id'], 'tenant');
    if (filter.project !== undefined) await requireColumns(['project_id'], 'project');
    equals.push(['tenant_id', filter.tenant], ['project_id', filter.project]);
    for (const [column, value] of equals) {
      if (value !== undefined) conditions.push(sql`${sql.ref(`traces.${column}`)} = ${value}`);
    }
    return sql.join(conditions, sql` and `);
  }

  const bucket = (bucketMs: number) => sql<number>`(traces.start_time - (traces.start_time % ${bucketMs}))`;
  const logBin = (column: string) => {
    const clamped =
      dialect === 'sqlite' ? sql`max(${sql.ref(column)}, 0.01)` : sql`greatest(${sql.ref(column)}, 0.01)`;
    return sql<number>`cast(round(ln(${clamped}) * ${sql.lit(latencyBinsPerLogUnit)}) as integer)`;
  };

  async function exactRows(query: AggregateQuery): Promise<AggregateRows> {
    const [latencyRows, ttft] = await Promise.all([latencyBins(query), ttftBins(query)]);
    const totals = new Map<string, TotalsRow>();
    const latency: CountBinRow[] = [];
    for (const row of latencyRows) {
      const { bin, ...sums } = row;
      latency.push({ bucket: row.bucket, group: row.group, bin, count: row.requests });
      const key = `${row.bucket}\u0000${row.group ?? ''}`;
      const total = totals.get(key);
      if (total === undefined) totals.set(key, sums);
      else addTotals(total, sums);
    }
    return { totals: [...totals.values()], latency, ttft, path: 'exact' };
  }

  async function latencyBins(query: AggregateQuery): Promise<LatencyBinRow[]> {
    const group = await groupExpression(query.groupBy);
    const result = await sql<LatencyBinRow>`
      select ${bucket(query.bucketMs)} as "bucket", ${group} as "group", ${logBin('traces.duration_ms')} as "bin",
        count(*) as "requests",
        sum(case when traces.status = 'error' then 1 else 0 end) as "errors",
        sum(traces.input_tokens) as "inputTokens", sum(traces.output_tokens) as "outputTokens",
        sum(traces.cost) as "cost",
        sum(traces.cache_hit) as "cacheHits", count(traces.cache_hit) as "cacheLookups",
        sum(traces.guardrail_triggered) as "guardrailTriggers", count(traces.guardrail_triggered) as "guardrailChecks"
      from traces where ${await where(query)}
      group by 1, 2, 3`.execute(db);
    return result.rows;
  }

  async function ttftBins(query: AggregateQuery): Promise<CountBinRow[]> {
    const group = await groupExpression(query.groupBy);
    const result = await sql<CountBinRow>`
      select ${bucket(query.bucketMs)} as "bucket", ${group} as "group", ${logBin('traces.ttft_ms')} as "bin",
        count(*) as "count"
      from traces where ${await where(query)} and traces.ttft_ms is not null
      group by 1, 2, 3`.execute(db);
    return result.rows;
  }

  async function scores(query: AggregateQuery): Promise<ScoreRow[]> {
    if (!(await storedShape()).hasScores) return [];
    const group = await groupExpression(query.groupBy);
    const result = await sql<ScoreRow>`
      select ${bucket(query.bucketMs)} as "bucket", ${group} as "group",
        avg(scores.value) as "meanScore", count(*) as "scores"
      from scores join traces on traces.id = scores.trace_id
      where ${await where(query)}
      group by 1, 2`.execute(db);
    return result.rows;
  }

  async function listSessions(query: SessionQuery): Promise<SessionSummary[]> {
    let select = db
      .selectFrom('traces')
      .select((eb) => [
        'session_id as sessionId',
        eb.fn.countAll<number>().as('traces'),
        eb.fn.min<number>('start_time').as('firstTime'),
        eb.fn.max<number>('end_time').as('lastTime'),
        eb.fn.sum<number | null>('cost').as('cost'),
        eb.fn.sum<number | null>('total_tokens').as('totalTokens'),
        eb.fn.sum<number>(eb.case().when('status', '=', 'error').then(1).else(0).end()).as('errors'),
        eb.fn.max<string | null>('user_id').as('user'),
      ])
      .where('session_id', 'is not', null);
    if (query.from !== undefined) select = select.where('start_time', '>=', query.from);
    if (query.to !== undefined) select = select.where('start_time', '<', query.to);
    if (query.user !== undefined) select = select.where('user_id', '=', query.user);
    const rows = await select.groupBy('session_id').orderBy('lastTime', 'desc').limit(query.limit).execute();
    return rows.map((row) => ({ ...row, sessionId: row.sessionId! }));
  }

  /** Rollup group expressions: dimensions are stored as '' for none. */
  const rollupGroups: Record<Exclude<AggregateGroup, 'user'>, string | null> = {
    none: null,
    model: 'model',
    provider: 'provider',
    source: 'source',
    key: 'key_id',
    project: 'project_id',
    prompt_version: 'prompt',
  };
  const rollupFilters: [keyof AggregateFilter, string][] = [
    ['model', 'model'],
    ['provider', 'provider'],
    ['source', 'source'],
    ['tenant', 'tenant_id'],
    ['project', 'project_id'],
  ];

  /** Rollup rows of the given period ranges (`[from, to)` of period starts), and the filters. */
  function rollupWhere(filter: AggregateFilter, ranges: readonly PeriodRange[]): RawBuilder<unknown> {
    const periods = ranges.map(
      (range) =>
        sql`(trace_rollups.period_ms = ${range.periodMs} and trace_rollups.period_start >= ${range.from} and trace_rollups.period_start < ${range.to})`,
    );
    const conditions: RawBuilder<unknown>[] = [sql`(${sql.join(periods, sql` or `)})`];
    for (const [name, column] of rollupFilters) {
      const value = filter[name];
      if (value !== undefined) conditions.push(sql`${sql.ref(`trace_rollups.${column}`)} = ${value}`);
    }
    return sql.join(conditions, sql` and `);
  }

  async function rollupRows(
    query: AggregateQuery & { groupBy: Exclude<AggregateGroup, 'user'> },
    ranges: readonly PeriodRange[],
  ) {
    const column = rollupGroups[query.groupBy];
    const group = column === null ? sql<null>`null` : sql<string | null>`nullif(${sql.ref(column)}, '')`;
    const bucket = sql<number>`(trace_rollups.period_start - (trace_rollups.period_start % ${query.bucketMs}))`;
    const where = rollupWhere(query, ranges);
    const bins = (histogram: 'latency_hist' | 'ttft_hist') => {
      const entries =
        dialect === 'sqlite'
          ? sql`json_each(${sql.ref(`trace_rollups.${histogram}`)}) as entry`
          : sql`lateral jsonb_each_text(${sql.ref(`trace_rollups.${histogram}`)}::jsonb) as entry(key, value)`;
      const count = dialect === 'sqlite' ? sql`sum(entry.value)` : sql`sum(cast(entry.value as bigint))`;
      return sql<CountBinRow>`
        select ${bucket} as "bucket", ${group} as "group", cast(entry.key as integer) as "bin", ${count} as "count"
        from trace_rollups cross join ${entries}
        where ${where}
        group by 1, 2, 3`.execute(db);
    };
    const [totals, latency, ttft] = await Promise.all([
      sql<TotalsRow>`
        select ${bucket} as "bucket", ${group} as "group",
          sum(requests) as "requests", sum(errors) as "errors",
          sum(input_tokens) as "inputTokens", sum(output_tokens) as "outputTokens",
          case when sum(priced) > 0 then sum(cost) end as "cost",
          sum(cache_hits) as "cacheHits", sum(cache_lookups) as "cacheLookups",
          sum(guardrail_triggers) as "guardrailTriggers", sum(guardrail_checks) as "guardrailChecks"
        from trace_rollups where ${where}
        group by 1, 2
        having sum(requests) > 0`.execute(db),
      bins('latency_hist'),
      bins('ttft_hist'),
    ]);
    return { totals: totals.rows, latency: latency.rows, ttft: ttft.rows };
  }

  async function aggregateRows(
    query: AggregateQuery,
    options: { exact?: boolean } = {},
  ): Promise<AggregateRows> {
    const { groupBy } = query;
    // Whole minutes inside the window come from the rollups; the partial ones at the ends from traces.
    const first = Math.ceil(query.from / rollupMinuteMs) * rollupMinuteMs;
    const end = Math.floor(query.to / rollupMinuteMs) * rollupMinuteMs;
    const covered =
      options.exact !== true &&
      groupBy !== 'user' &&
      query.user === undefined &&
      query.bucketMs % rollupMinuteMs === 0 &&
      query.to - query.from >= minimumRollupWindowMs &&
      first < end;
    if (!covered) return exactRows(query);
    const parts = await Promise.all([
      rollupRows({ ...query, groupBy }, periodRanges(first, end, query.bucketMs)),
      ...(query.from < first ? [exactRows({ ...query, to: first })] : []),
      ...(end < query.to ? [exactRows({ ...query, from: end })] : []),
    ]);
    return {
      totals: parts.flatMap((part) => part.totals),
      latency: parts.flatMap((part) => part.latency),
      ttft: parts.flatMap((part) => part.ttft),
      path: 'rollup',
    };
  }

  return { aggregateRows, scores, listSessions };
}

/** Adds `more` into `total` (the exact path folds its per-bin rows into one per bucket and group). */
function addTotals(total: TotalsRow, more: TotalsRow): void {
  total.requests = Number(total.requests) + Number(more.requests);
  total.errors = Number(total.errors) + Number(more.errors);
  total.inputTokens = sumNullable(total.inputTokens, more.inputTokens);
  total.outputTokens = sumNullable(total.outputTokens, more.outputTokens);
  total.cost = sumNullable(total.cost, more.cost);
  total.cacheHits = sumNullable(total.cacheHits, more.cacheHits);
  total.cacheLookups = Number(total.cacheLookups) + Number(more.cacheLookups);
  total.guardrailTriggers = sumNullable(total.guardrailTriggers, more.guardrailTriggers);
  total.guardrailChecks = Number(total.guardrailChecks) + Number(more.guardrailChecks);
}

/** SQL's sum: null only when both are null. */
function sumNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b === null ? null : Number(b);
  return b === null ? Number(a) : Number(a) + Number(b);
}

interface PeriodRange {
  periodMs: number;
  /** Period starts from (inclusive) to (exclusive). */
  from: number;
  to: number;
}

/**
 * The whole minutes `[first, end)` as rollup ranges: hours where buckets are whole hours (a bucket
 * then never splits an hour), minutes around them.
 */
function periodRanges(first: number, end: number, bucketMs: number): PeriodRange[] {
  const hourFirst = Math.ceil(first / rollupHourMs) * rollupHourMs;
  const hourEnd = Math.floor(end / rollupHourMs) * rollupHourMs;
  if (bucketMs % rollupHourMs !== 0 || hourFirst >= hourEnd) {
    return [{ periodMs: rollupMinuteMs, from: first, to: end }];
  }
  return [
    { periodMs: rollupMinuteMs, from: first, to: hourFirst },
    { periodMs: rollupHourMs, from: hourFirst, to: hourEnd },
    { periodMs: rollupMinuteMs, from: hourEnd, to: end },
  ].filter((range) => range.from < range.to);
}
