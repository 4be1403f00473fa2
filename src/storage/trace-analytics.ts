/**
 * The queries dashboards and alerts read: aggregates over time buckets (one grouped scan of the
 * traces in the window, latencies as log-scale histogram bins that telemetry/queries turns into
 * percentiles — the same SQL on both engines, no per-row sort), and sessions.
 *
 * Latency bins: bin = round(ln(ms) × 20), so a bin spans ~5% and a percentile read from its centre is
 * within ~2.5% of the exact value.
 */
import { sql, type RawBuilder } from 'kysely';
import { GatewayError } from '../errors/gateway-error.js';
import type { Database } from './database.js';
import { readStoredShape, type OptionalTraceColumn, type StoredShape } from './optional-columns.js';

export const latencyBinsPerLogUnit = 20;

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

/** Sums of one (bucket, group, latency bin). */
export interface LatencyBinRow {
  bucket: number;
  group: string | null;
  bin: number;
  requests: number;
  errors: number;
  inputTokens: number | null;
  outputTokens: number | null;
  cost: number | null;
  cacheHits: number | null;
  cacheLookups: number;
  guardrailTriggers: number | null;
  guardrailChecks: number;
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
  latencyBins(query: AggregateQuery): Promise<LatencyBinRow[]>;
  ttftBins(query: AggregateQuery): Promise<CountBinRow[]>;
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

  return { latencyBins, ttftBins, scores, listSessions };
}
