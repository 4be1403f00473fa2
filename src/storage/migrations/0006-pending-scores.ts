/**
 * Scores waiting for their trace: feedback posted by request id before any replica has stored that
 * request's trace (it reaches the store a flush after the response, and the score may reach another
 * replica first). They become rows of `scores` as soon as the trace is there, and are never dropped
 * silently. Types as in 0001.
 */
import type { StorageMigration } from './types.js';

export const pendingScores: StorageMigration = {
  async up(db) {
    await db.schema
      .createTable('pending_scores')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      .addColumn('project_id', 'text', (column) => column.notNull())
      .addColumn('request_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('data_type', 'text', (column) => column.notNull())
      .addColumn('numeric_value', 'double precision')
      .addColumn('string_value', 'text')
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('comment', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('pending_scores_created_idx')
      .on('pending_scores')
      .column('created_at')
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('pending_scores').execute();
  },
};
