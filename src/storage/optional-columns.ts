/**
 * Columns and tables that other features add through their own migrations (tenancy's tenant, project
 * and key ids; prompts' name and version; the scores table). Queries that filter or group by them
 * check here first, so they work as soon as the feature's migration has run and answer a precise 400
 * before then, instead of failing on SQL.
 */
import type { Database } from './database.js';

export const optionalTraceColumns = [
  'tenant_id',
  'project_id',
  'key_id',
  'prompt_name',
  'prompt_version',
] as const;
export type OptionalTraceColumn = (typeof optionalTraceColumns)[number];

export interface StoredShape {
  traceColumns: ReadonlySet<string>;
  /** Whether a `scores` table with `trace_id` and a numeric `value` exists. */
  hasScores: boolean;
}

/** Reads the live schema once per call; callers cache it (it changes only with a migration). */
export async function readStoredShape(database: Database): Promise<StoredShape> {
  const tables = await database.db.introspection.getTables();
  const traces = tables.find((table) => table.name === 'traces');
  const scores = tables.find((table) => table.name === 'scores');
  const scoreColumns = new Set(scores?.columns.map((column) => column.name) ?? []);
  return {
    traceColumns: new Set(traces?.columns.map((column) => column.name) ?? []),
    hasScores: scoreColumns.has('trace_id') && scoreColumns.has('value'),
  };
}
