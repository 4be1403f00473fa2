/**
 * Traces and observations: append-only telemetry rows (ARCHITECTURE §1.4).
 *
 * Column types are ones both engines understand: `bigint` (INTEGER affinity in SQLite) for epoch
 * milliseconds, `integer` for counts and 0/1 flags, `double precision` (REAL in SQLite) for cost and
 * durations, which may carry sub-millisecond fractions, and `text` for ids and JSON.
 */
import type { Kysely } from 'kysely';
import type { StorageMigration } from './types.js';

export const telemetryTables: StorageMigration = {
  up: async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('traces')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('request_id', 'text', (column) => column.notNull())
      .addColumn('start_time', 'bigint', (column) => column.notNull())
      .addColumn('end_time', 'bigint', (column) => column.notNull())
      .addColumn('duration_ms', 'double precision', (column) => column.notNull())
      .addColumn('endpoint', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('provider', 'text')
      .addColumn('provider_type', 'text')
      .addColumn('upstream_model', 'text')
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('http_status', 'integer', (column) => column.notNull())
      .addColumn('stream', 'integer', (column) => column.notNull())
      .addColumn('user_id', 'text')
      .addColumn('input_tokens', 'integer')
      .addColumn('output_tokens', 'integer')
      .addColumn('total_tokens', 'integer')
      .addColumn('cached_input_tokens', 'integer')
      .addColumn('usage_estimated', 'integer', (column) => column.notNull())
      .addColumn('cost', 'double precision')
      .addColumn('ttft_ms', 'double precision')
      .addColumn('error_type', 'text')
      .addColumn('error_message', 'text')
      .addColumn('metadata', 'text')
      .addColumn('input', 'text')
      .addColumn('output', 'text')
      .addColumn('warnings', 'text', (column) => column.notNull())
      .execute();

    // The trace list is newest first with keyset pagination on (start_time, id).
    await db.schema
      .createIndex('traces_start_time_id_idx')
      .on('traces')
      .columns(['start_time desc', 'id desc'])
      .execute();
    // Filtered lists: the filter column first, then the same (start_time, id) order, so a filtered page is
    // one index range scan with no sort (id included to settle ties in start_time without a sort step).
    for (const column of ['model', 'provider', 'status', 'user_id']) {
      await db.schema
        .createIndex(`traces_${column}_start_time_idx`)
        .on('traces')
        .columns([column, 'start_time', 'id'])
        .execute();
    }

    await db.schema
      .createTable('observations')
      .addColumn('id', 'text', (column) => column.notNull())
      .addColumn('trace_id', 'text', (column) => column.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('start_time', 'bigint', (column) => column.notNull())
      .addColumn('end_time', 'bigint', (column) => column.notNull())
      .addColumn('latency_ms', 'double precision', (column) => column.notNull())
      .addColumn('ttft_ms', 'double precision')
      .addColumn('provider', 'text')
      .addColumn('model', 'text')
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('http_status', 'integer')
      .addColumn('input_tokens', 'integer')
      .addColumn('output_tokens', 'integer')
      .addColumn('total_tokens', 'integer')
      .addColumn('cached_input_tokens', 'integer')
      .addColumn('usage_estimated', 'integer')
      .addColumn('cost', 'double precision')
      .addColumn('error_message', 'text')
      .addColumn('attributes', 'text', (column) => column.notNull())
      // Span ids are unique within a trace; spans ingested over OTLP need not be unique across traces.
      // The key also serves "observations of trace X" as a prefix scan, so no separate trace_id index.
      // No foreign key to traces: observations may be written before (or without) their trace row.
      .addPrimaryKeyConstraint('observations_pk', ['trace_id', 'id'])
      .execute();
  },
};
