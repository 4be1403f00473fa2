/**
 * SQLite full text: the per-row insert trigger of 0002 goes; the telemetry writer indexes each
 * batch's new traces with one `insert … select` in the batch's own transaction
 * (sqlite-trace-row-writer.ts), measured ~2.5–3.5× cheaper per trace (docs/decisions/0002). Traces are
 * still searchable as soon as they are listed. Deletion keeps its trigger. PostgreSQL indexes an
 * expression and needs nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { StorageMigration } from './types.js';

export const traceFtsBatched: StorageMigration = {
  up: async (db: Kysely<unknown>, dialect): Promise<void> => {
    if (dialect === 'sqlite') await sql`drop trigger traces_fts_insert`.execute(db);
  },
};
