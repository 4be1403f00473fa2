/**
 * Per-minute and per-hour trace rollups (src/storage/trace-rollups.ts), which the 24 h aggregates read instead of
 * every trace. Traces already stored are rolled up here, in pages, so old and new data agree.
 */
import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Schema } from '../schema.js';
import { applyRollups, rollupDeltas, rollupKeyColumns, rollupSourceColumns } from '../trace-rollups.js';
import type { StorageMigration } from './types.js';

const backfillPage = 10_000;

export const traceRollups: StorageMigration = {
  up: async (db: Kysely<unknown>, dialect): Promise<void> => {
    let table: CreateTableBuilder<'trace_rollups', string> = db.schema
      .createTable('trace_rollups')
      .addColumn('period_ms', 'bigint', (column) => column.notNull())
      .addColumn('period_start', 'bigint', (column) => column.notNull());
    for (const column of rollupKeyColumns.slice(2)) {
      table = table.addColumn(column, 'text', (built) => built.notNull());
    }
    for (const column of [
      'requests',
      'errors',
      'input_tokens',
      'output_tokens',
      'priced',
      'cache_hits',
      'cache_lookups',
      'guardrail_triggers',
      'guardrail_checks',
    ]) {
      table = table.addColumn(column, 'bigint', (built) => built.notNull());
    }
    await table
      .addColumn('cost', 'double precision', (column) => column.notNull())
      .addColumn('latency_hist', 'text', (column) => column.notNull())
      .addColumn('ttft_hist', 'text', (column) => column.notNull())
      // The key leads with the period: every aggregate reads ranges of minutes and of hours.
      .addPrimaryKeyConstraint('trace_rollups_pkey', [...rollupKeyColumns])
      .execute();

    const typed = db as unknown as Kysely<Schema>;
    let after: { start: number; id: string } | null = null;
    for (;;) {
      let page = typed
        .selectFrom('traces')
        .select([...rollupSourceColumns, 'id'])
        .orderBy('start_time')
        .orderBy('id')
        .limit(backfillPage);
      if (after !== null) {
        const { start, id } = after;
        page = page.where((eb) =>
          eb.or([eb('start_time', '>', start), eb.and([eb('start_time', '=', start), eb('id', '>', id)])]),
        );
      }
      const rows = await page.execute();
      if (rows.length === 0) break;
      await applyRollups(typed, dialect, rollupDeltas(rows, 1));
      const last = rows[rows.length - 1]!;
      after = { start: last.start_time, id: last.id };
    }
  },
};
