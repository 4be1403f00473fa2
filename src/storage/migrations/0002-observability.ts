/**
 * Observability: what app traces, the trace list's filters and full-text search, alerts and their
 * history need beyond the spine's telemetry tables.
 *
 * - traces gain `source` (gateway, otlp, api), `name`, `session_id`, `tags` (JSON array), and the
 *   per-trace outcomes other features report: `cache_hit`, `guardrail_triggered` (0/1, null when the
 *   feature did not run), which the aggregates turn into rates.
 * - full text over input and output: an FTS5 index kept by triggers on SQLite, a GIN index over a
 *   `tsvector` expression on PostgreSQL (the query repeats the expression so the planner uses it).
 * - observations get a start-time index, so retention and window queries over app spans (whose trace
 *   ids, unlike the gateway's, are not time-ordered) do not scan the table.
 * - alert rules created through the API, and the history of alert state changes.
 */
import { sql, type Kysely } from 'kysely';
import type { StorageMigration } from './types.js';

/** The expression the PostgreSQL full-text index is built on; queries must use the same text. */
export const postgresContentVector = `to_tsvector('simple', coalesce(input, '') || ' ' || coalesce(output, ''))`;

export const observability: StorageMigration = {
  up: async (db: Kysely<unknown>, dialect): Promise<void> => {
    for (const [column, type] of [
      ['source', 'text'],
      ['name', 'text'],
      ['session_id', 'text'],
      ['tags', 'text'],
      ['cache_hit', 'integer'],
      ['guardrail_triggered', 'integer'],
    ] as const) {
      await db.schema.alterTable('traces').addColumn(column, type).execute();
    }
    await db.schema
      .createIndex('traces_session_id_start_time_idx')
      .on('traces')
      .columns(['session_id', 'start_time', 'id'])
      .execute();
    await db.schema
      .createIndex('observations_start_time_idx')
      .on('observations')
      .column('start_time')
      .execute();

    if (dialect === 'sqlite') {
      // Contentless: the text lives once, in traces; the index holds only tokens. contentless_delete
      // lets retention and user deletion remove entries by rowid.
      await sql`create virtual table traces_fts using fts5(input, output, content='', contentless_delete=1)`.execute(
        db,
      );
      await sql`create trigger traces_fts_insert after insert on traces begin
        insert into traces_fts(rowid, input, output) values (new.rowid, new.input, new.output);
      end`.execute(db);
      await sql`create trigger traces_fts_delete after delete on traces begin
        delete from traces_fts where rowid = old.rowid;
      end`.execute(db);
    } else {
      await sql
        .raw(`create index traces_content_fts_idx on traces using gin (${postgresContentVector})`)
        .execute(db);
    }

    await db.schema
      .createTable('alert_rules')
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('definition', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('alert_events')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('rule_name', 'text', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('value', 'double precision')
      .addColumn('threshold', 'double precision')
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('message', 'text', (column) => column.notNull())
      .addColumn('details', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('alert_events_at_idx').on('alert_events').columns(['at', 'id']).execute();
    await db.schema
      .createIndex('alert_events_rule_name_at_idx')
      .on('alert_events')
      .columns(['rule_name', 'at'])
      .execute();
  },
};
