/**
 * What drift detection reads from the traces: the groups present in a window, and a bounded sample of
 * one group's successful calls in a window. The sample is the window's traces ordered by the random
 * part of their id (trace ids are 12 hex digits of time, then 20 random ones), so it is spread evenly
 * over the window, the same on every run, and the smaller content sample is (barring traces written
 * between the two reads) a subset of the larger length sample. Content (input and output JSON) is read only for the content sample: it may be large.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { DriftFilter, DriftGrouping } from '../config/drift-monitor.js';
import type { Database } from './database.js';
import { fromJsonText } from './json-text.js';
import type { TraceScope } from './trace-repository.js';

export interface DriftWindowQuery {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  filter: DriftFilter;
  scope?: TraceScope;
}

export interface DriftSampleQuery extends DriftWindowQuery {
  groupBy: DriftGrouping;
  /** The group's value (as `groups` returns it); ignored when `groupBy` is `none`. */
  group: string | null;
  /** Most traces read for the length signals. */
  limit: number;
  /** Most of those whose content is read too. */
  contentLimit: number;
}

export interface DriftSample {
  /** Token counts of up to `limit` traces (null where the call reported none). */
  lengths: { inputTokens: number | null; outputTokens: number | null }[];
  /** Parsed stored input and output of up to `contentLimit` of the same traces (null when not captured). */
  contents: { input: unknown; output: unknown }[];
}

export interface DriftGroupCount {
  group: string | null;
  traces: number;
}

export interface DriftSamples {
  /** The groups with successful traces in the window, most traces first. */
  groups(query: DriftWindowQuery & { groupBy: DriftGrouping }): Promise<DriftGroupCount[]>;
  sample(query: DriftSampleQuery): Promise<DriftSample>;
}

const groupExpressions: Record<DriftGrouping, string> = {
  none: 'null',
  model: 'traces.model',
  prompt: 'traces.prompt_name',
  prompt_version: "traces.prompt_name || '@' || traces.prompt_version",
};

export function createDriftSamples(database: Database): DriftSamples {
  const { db } = database;
  const groupOf = (groupBy: DriftGrouping) => sql<string | null>`${sql.raw(groupExpressions[groupBy])}`;
  const randomOrder = sql`substr(traces.id, 13)`;

  function where(query: DriftWindowQuery): Expression<SqlBool> {
    const conditions = [
      sql`traces.start_time >= ${query.from}`,
      sql`traces.start_time < ${query.to}`,
      sql`traces.status = 'ok'`,
    ];
    const equals: [string, string | null | undefined][] = [
      ['model', query.filter.model],
      ['provider', query.filter.provider],
      ['source', query.filter.source],
      ['prompt_name', query.filter.prompt],
      ['tenant_id', query.filter.tenant],
      ['project_id', query.filter.project],
      ['tenant_id', query.scope?.tenantId],
      ['project_id', query.scope?.projectId],
    ];
    for (const [column, value] of equals) {
      if (value !== undefined && value !== null)
        conditions.push(sql`${sql.ref(`traces.${column}`)} = ${value}`);
    }
    return sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
  }

  function groupCondition(query: DriftSampleQuery): Expression<SqlBool> {
    if (query.groupBy === 'none') return sql<SqlBool>`1 = 1`;
    if (query.group === null) return sql<SqlBool>`${groupOf(query.groupBy)} is null`;
    return sql<SqlBool>`${groupOf(query.groupBy)} = ${query.group}`;
  }

  return {
    async groups(query) {
      const result = await sql<DriftGroupCount>`
        select ${groupOf(query.groupBy)} as "group", count(*) as "traces"
        from traces where ${where(query)}
        group by 1 order by 2 desc`.execute(db);
      return result.rows.map((row) => ({ group: row.group, traces: Number(row.traces) }));
    },
    async sample(query) {
      const lengths = await sql<{ inputTokens: number | null; outputTokens: number | null }>`
        select traces.input_tokens as "inputTokens", traces.output_tokens as "outputTokens"
        from traces where ${where(query)} and ${groupCondition(query)}
        order by ${randomOrder} limit ${query.limit}`.execute(db);
      const contents =
        query.contentLimit === 0
          ? { rows: [] }
          : await sql<{ input: string | null; output: string | null }>`
        select traces.input as "input", traces.output as "output"
        from traces where ${where(query)} and ${groupCondition(query)}
        order by ${randomOrder} limit ${Math.min(query.contentLimit, query.limit)}`.execute(db);
      return {
        lengths: lengths.rows,
        contents: contents.rows.map((row) => ({
          input: row.input === null ? null : fromJsonText<unknown>(row.input),
          output: row.output === null ? null : fromJsonText<unknown>(row.output),
        })),
      };
    },
  };
}
