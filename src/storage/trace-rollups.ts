/**
 * Per-minute and per-hour rollups of the traces table (`trace_rollups`), so a 24 h aggregate reads
 * ~24 hour rows (plus the minutes of its partial hours) per combination of dimensions instead of
 * every trace. A row holds, for one period (a minute or an hour) and one combination of the dimensions
 * dashboards filter and group by (tenant, project, key, source, model, provider, prompt version), the
 * counts and sums the aggregate reports, and the latency and TTFT histograms as JSON objects of
 * `{ bin: count }` — the same log-scale bins (round(ln(ms) × 20)) the exact query computes, so
 * percentiles read from a rollup equal the exact query's (both within ~2.5% of the true value).
 *
 * Maintained in the transaction that inserts the traces (only rows actually inserted count, so a
 * retried batch is not counted twice) and in the one that deletes them (retention, user erasure), by
 * adding signed deltas: the histogram merge runs in the database (`json_each` / `jsonb_each_text`),
 * so concurrent writers (replicas on PostgreSQL) never lose an update.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseDialect } from './database.js';
import type { Schema, TracesTable } from './schema.js';

export const rollupMinuteMs = 60_000;
export const rollupHourMs = 3_600_000;
/** Every trace is counted once per period length: in its minute and in its hour. */
const rollupPeriodsMs = [rollupMinuteMs, rollupHourMs] as const;
/** Bins per natural-log unit of milliseconds: bins span ~5%, so a bin's centre is within ~2.5%. */
export const latencyBinsPerLogUnit = 20;

/** The trace columns a rollup is built from. */
export type RollupSource = Pick<
  TracesTable,
  | 'start_time'
  | 'tenant_id'
  | 'project_id'
  | 'key_id'
  | 'source'
  | 'model'
  | 'provider'
  | 'prompt_name'
  | 'prompt_version'
  | 'status'
  | 'input_tokens'
  | 'output_tokens'
  | 'cost'
  | 'cache_hit'
  | 'guardrail_triggered'
  | 'duration_ms'
  | 'ttft_ms'
>;

export const rollupSourceColumns = [
  'start_time',
  'tenant_id',
  'project_id',
  'key_id',
  'source',
  'model',
  'provider',
  'prompt_name',
  'prompt_version',
  'status',
  'input_tokens',
  'output_tokens',
  'cost',
  'cache_hit',
  'guardrail_triggered',
  'duration_ms',
  'ttft_ms',
] as const satisfies readonly (keyof RollupSource)[];

/**
 * One row of `trace_rollups`. Dimensions are never null (`''` stands for none) so they can form the
 * primary key on both engines; `prompt` is `name@version`, as the aggregate groups prompt versions.
 */
export interface TraceRollupsTable {
  /** 60,000 (a minute) or 3,600,000 (an hour). */
  period_ms: number;
  /** Epoch ms the period starts at (a multiple of `period_ms`). */
  period_start: number;
  tenant_id: string;
  project_id: string;
  key_id: string;
  source: string;
  model: string;
  provider: string;
  prompt: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost: number;
  /** Traces with a known cost (the aggregate's cost is null when none had one). */
  priced: number;
  cache_hits: number;
  cache_lookups: number;
  guardrail_triggers: number;
  guardrail_checks: number;
  /** JSON object: latency bin → count. */
  latency_hist: string;
  /** JSON object: TTFT bin → count. */
  ttft_hist: string;
}

export const rollupKeyColumns = [
  'period_ms',
  'period_start',
  'tenant_id',
  'project_id',
  'key_id',
  'source',
  'model',
  'provider',
  'prompt',
] as const satisfies readonly (keyof TraceRollupsTable)[];

const sumColumns = [
  'requests',
  'errors',
  'input_tokens',
  'output_tokens',
  'cost',
  'priced',
  'cache_hits',
  'cache_lookups',
  'guardrail_triggers',
  'guardrail_checks',
] as const satisfies readonly (keyof TraceRollupsTable)[];

/** The bin of a duration, exactly as the exact query computes it in SQL. */
export function latencyBin(ms: number): number {
  return Math.round(Math.log(Math.max(ms, 0.01)) * latencyBinsPerLogUnit);
}

interface Delta extends Omit<TraceRollupsTable, 'latency_hist' | 'ttft_hist'> {
  latency: Map<number, number>;
  ttft: Map<number, number>;
}

/**
 * The rollup rows that add (`sign` 1) or remove (`sign` -1) these traces: one per period (each minute
 * and each hour touched) and dimensions.
 */
export function rollupDeltas(traces: readonly RollupSource[], sign: 1 | -1): TraceRollupsTable[] {
  const deltas = new Map<string, Delta>();
  for (const trace of traces) {
    for (const periodMs of rollupPeriodsMs) addTrace(deltas, trace, periodMs, sign);
  }
  return [...deltas.values()].map(({ latency, ttft, ...row }) => ({
    ...row,
    latency_hist: JSON.stringify(Object.fromEntries(latency)),
    ttft_hist: JSON.stringify(Object.fromEntries(ttft)),
  }));
}

function addTrace(deltas: Map<string, Delta>, trace: RollupSource, periodMs: number, sign: 1 | -1): void {
  const periodStart = trace.start_time - (trace.start_time % periodMs);
  const prompt =
    trace.prompt_name === null || trace.prompt_version === null
      ? ''
      : `${trace.prompt_name}@${trace.prompt_version}`;
  const dimensions = [
    trace.tenant_id ?? '',
    trace.project_id ?? '',
    trace.key_id ?? '',
    trace.source ?? '',
    trace.model,
    trace.provider ?? '',
    prompt,
  ] as const;
  const key = `${periodMs}\u0000${periodStart}\u0000${dimensions.join('\u0000')}`;
  let delta = deltas.get(key);
  if (delta === undefined) {
    const [tenant_id, project_id, key_id, source, model, provider] = dimensions;
    delta = {
      period_ms: periodMs,
      period_start: periodStart,
      tenant_id,
      project_id,
      key_id,
      source,
      model,
      provider,
      prompt,
      requests: 0,
      errors: 0,
      input_tokens: 0,
      output_tokens: 0,
      cost: 0,
      priced: 0,
      cache_hits: 0,
      cache_lookups: 0,
      guardrail_triggers: 0,
      guardrail_checks: 0,
      latency: new Map(),
      ttft: new Map(),
    };
    deltas.set(key, delta);
  }
  delta.requests += sign;
  if (trace.status === 'error') delta.errors += sign;
  delta.input_tokens += sign * (trace.input_tokens ?? 0);
  delta.output_tokens += sign * (trace.output_tokens ?? 0);
  if (trace.cost !== null) {
    delta.cost += sign * trace.cost;
    delta.priced += sign;
  }
  if (trace.cache_hit !== null) {
    delta.cache_lookups += sign;
    delta.cache_hits += sign * trace.cache_hit;
  }
  if (trace.guardrail_triggered !== null) {
    delta.guardrail_checks += sign;
    delta.guardrail_triggers += sign * trace.guardrail_triggered;
  }
  add(delta.latency, latencyBin(trace.duration_ms), sign);
  if (trace.ttft_ms !== null) add(delta.ttft, latencyBin(trace.ttft_ms), sign);
}

function add(histogram: Map<number, number>, bin: number, count: number): void {
  histogram.set(bin, (histogram.get(bin) ?? 0) + count);
}

/** Every column of a rollup row, in the order `rollupUpsertSql` binds them. */
export const rollupColumns = [
  ...rollupKeyColumns,
  ...sumColumns,
  'latency_hist',
  'ttft_hist',
] as const satisfies readonly (keyof TraceRollupsTable)[];

/** Merges two `{ bin: count }` JSON objects in SQL, dropping bins that sum to zero. */
function mergeHistogramSql(dialect: DatabaseDialect, column: 'latency_hist' | 'ttft_hist'): string {
  if (dialect === 'sqlite') {
    return `(select coalesce(json_group_object(key, total), '{}') from (
      select key, sum(value) as total from (
        select key, value from json_each(trace_rollups.${column})
        union all select key, value from json_each(excluded.${column})
      ) group by key having sum(value) <> 0))`;
  }
  return `(select coalesce(jsonb_object_agg(key, total), '{}'::jsonb)::text from (
      select key, sum(value::bigint) as total from (
        select key, value from jsonb_each_text(trace_rollups.${column}::jsonb)
        union all select key, value from jsonb_each_text(excluded.${column}::jsonb)
      ) as merged group by key having sum(value::bigint) <> 0) as summed)`;
}

/** What makes an insert an upsert: add to the row of the same period and dimensions. */
function onConflictSql(dialect: DatabaseDialect): string {
  const sums = sumColumns.map((column) => `${column} = trace_rollups.${column} + excluded.${column}`);
  return `on conflict (${rollupKeyColumns.join(', ')}) do update set ${sums.join(', ')},
    latency_hist = ${mergeHistogramSql(dialect, 'latency_hist')},
    ttft_hist = ${mergeHistogramSql(dialect, 'ttft_hist')}`;
}

/** One row's upsert for a prepared statement (better-sqlite3), `?` bound in `rollupColumns` order. */
export function sqliteRollupUpsertSql(): string {
  const placeholders = rollupColumns.map(() => '?').join(', ');
  return `insert into trace_rollups (${rollupColumns.join(', ')}) values (${placeholders}) ${onConflictSql('sqlite')}`;
}

const rowsPerStatement = 1_000;

/** Applies rollup rows through Kysely (PostgreSQL, and SQLite deletions), inside the caller's transaction. */
export async function applyRollups(
  db: Kysely<Schema>,
  dialect: DatabaseDialect,
  rows: readonly TraceRollupsTable[],
): Promise<void> {
  const columns = sql.raw(rollupColumns.join(', '));
  const conflict = sql.raw(onConflictSql(dialect));
  // Multi-row upserts (keys are unique within a batch of deltas), under both engines' parameter limits.
  for (let first = 0; first < rows.length; first += rowsPerStatement) {
    const values = rows
      .slice(first, first + rowsPerStatement)
      .map((row) => sql`(${sql.join(rollupColumns.map((column) => sql`${row[column]}`))})`);
    await sql`insert into trace_rollups (${columns}) values ${sql.join(values)} ${conflict}`.execute(db);
  }
}
