/**
 * The guardrails' human review queue: one row per verdict a policy sends for review (flagged, and
 * optionally blocked), with the text that was checked, and the label a reviewer gives it. Types as in
 * 0001: bigint epoch ms, double precision scores, text JSON.
 */
import type { Kysely } from 'kysely';
import type { StorageMigration } from './types.js';

export const guardrailReviewTables: StorageMigration = {
  up: async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('guardrail_review_items')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      .addColumn('project_id', 'text', (column) => column.notNull())
      .addColumn('trace_id', 'text', (column) => column.notNull())
      .addColumn('request_id', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('policy', 'text', (column) => column.notNull())
      .addColumn('check_name', 'text', (column) => column.notNull())
      .addColumn('check_type', 'text', (column) => column.notNull())
      .addColumn('stage', 'text', (column) => column.notNull())
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('score', 'double precision', (column) => column.notNull())
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('details', 'text', (column) => column.notNull())
      .addColumn('label', 'text')
      .addColumn('note', 'text')
      .addColumn('labelled_by', 'text')
      .addColumn('labelled_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('guardrail_review_items_scope_idx')
      .on('guardrail_review_items')
      .columns(['tenant_id', 'project_id', 'created_at', 'id'])
      .execute();
  },
};
