/**
 * Spend from the recorded cost of each call (the `traces` table), grouped by key, project, tenant or
 * model, within a time range and the caller's scope.
 */
import { sql } from 'kysely';
import type { Database } from './database.js';
import type { TraceScope } from './trace-repository.js';

export const spendGroups = {
  key: 'key_id',
  project: 'project_id',
  tenant: 'tenant_id',
  model: 'model',
} as const;
export type SpendGroup = keyof typeof spendGroups;

export interface SpendQuery {
  groupBy: SpendGroup;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  scope: TraceScope;
}

export interface SpendRow {
  /** The key, project, tenant id or model name; null for calls made without one (master key). */
  group: string | null;
  spend_usd: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

export function createSpendRepository(database: Database): (query: SpendQuery) => Promise<SpendRow[]> {
  const { db } = database;
  return async function querySpend(query) {
    const column = spendGroups[query.groupBy];
    let select = db
      .selectFrom('traces')
      .select([
        sql<string | null>`${sql.ref(column)}`.as('group'),
        sql<number>`coalesce(sum(cost), 0)`.as('spend_usd'),
        sql<number>`count(*)`.as('requests'),
        sql<number>`coalesce(sum(input_tokens), 0)`.as('input_tokens'),
        sql<number>`coalesce(sum(output_tokens), 0)`.as('output_tokens'),
      ])
      .groupBy(column);
    if (query.from !== undefined) select = select.where('start_time', '>=', query.from);
    if (query.to !== undefined) select = select.where('start_time', '<', query.to);
    if (query.scope.tenantId !== null) select = select.where('tenant_id', '=', query.scope.tenantId);
    if (query.scope.projectId !== null) select = select.where('project_id', '=', query.scope.projectId);
    const rows = await select.orderBy('spend_usd', 'desc').execute();
    // PostgreSQL returns count(*) and sums as bigint/numeric text unless parsed; normalise to numbers.
    return rows.map((row) => ({
      group: row.group,
      spend_usd: Number(row.spend_usd),
      requests: Number(row.requests),
      input_tokens: Number(row.input_tokens),
      output_tokens: Number(row.output_tokens),
    }));
  };
}
