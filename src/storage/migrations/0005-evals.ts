/**
 * Evaluation tables: versioned datasets and their items, eval runs and their per-item results, movable
 * run labels (`production`), the response cache that makes re-runs free, and online evaluators with the
 * scores they write per trace. Types as in 0001: bigint epoch ms, double precision scores, text JSON.
 */
import type { Kysely } from 'kysely';
import type { StorageMigration } from './types.js';

export const evalTables: StorageMigration = {
  up: async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('eval_datasets')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('latest_version', 'integer', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('eval_dataset_versions')
      .addColumn('dataset_id', 'text', (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      .addColumn('item_count', 'integer', (column) => column.notNull())
      .addColumn('note', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('eval_dataset_versions_pk', ['dataset_id', 'version'])
      .execute();
    await db.schema
      .createTable('eval_dataset_items')
      .addColumn('dataset_id', 'text', (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('item_id', 'text', (column) => column.notNull())
      .addColumn('input', 'text', (column) => column.notNull())
      .addColumn('expected', 'text')
      .addColumn('context', 'text')
      .addColumn('metadata', 'text')
      .addPrimaryKeyConstraint('eval_dataset_items_pk', ['dataset_id', 'version', 'position'])
      .execute();

    await db.schema
      .createTable('eval_runs')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('suite', 'text', (column) => column.notNull())
      .addColumn('description', 'text')
      .addColumn('dataset', 'text')
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('started_at', 'bigint', (column) => column.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('item_count', 'integer', (column) => column.notNull())
      .addColumn('config', 'text', (column) => column.notNull())
      .addColumn('summary', 'text')
      .execute();
    await db.schema
      .createIndex('eval_runs_suite_started_idx')
      .on('eval_runs')
      .columns(['suite', 'started_at'])
      .execute();
    await db.schema
      .createTable('eval_results')
      .addColumn('run_id', 'text', (column) => column.notNull())
      .addColumn('item_key', 'text', (column) => column.notNull())
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('test_key', 'text', (column) => column.notNull())
      .addColumn('prompt_id', 'text', (column) => column.notNull())
      .addColumn('target', 'text', (column) => column.notNull())
      .addColumn('description', 'text')
      .addColumn('vars', 'text', (column) => column.notNull())
      .addColumn('output', 'text')
      .addColumn('error', 'text')
      .addColumn('pass', 'integer', (column) => column.notNull())
      .addColumn('score', 'double precision', (column) => column.notNull())
      .addColumn('latency_ms', 'double precision')
      .addColumn('cost', 'double precision')
      .addColumn('input_tokens', 'integer')
      .addColumn('output_tokens', 'integer')
      .addColumn('cached', 'integer', (column) => column.notNull())
      .addColumn('assertions', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('eval_results_pk', ['run_id', 'item_key'])
      .execute();
    await db.schema
      .createTable('eval_run_labels')
      .addColumn('suite', 'text', (column) => column.notNull())
      .addColumn('label', 'text', (column) => column.notNull())
      .addColumn('run_id', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('eval_run_labels_pk', ['suite', 'label'])
      .execute();
    await db.schema
      .createTable('eval_response_cache')
      .addColumn('key', 'text', (column) => column.primaryKey())
      .addColumn('value', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('eval_online_evaluators')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull().unique())
      .addColumn('filter', 'text', (column) => column.notNull())
      .addColumn('sample_rate', 'double precision', (column) => column.notNull())
      .addColumn('assertions', 'text', (column) => column.notNull())
      .addColumn('judge', 'text')
      .addColumn('embedder_model', 'text')
      .addColumn('enabled', 'integer', (column) => column.notNull())
      .addColumn('cursor_time', 'bigint', (column) => column.notNull())
      .addColumn('cursor_id', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('eval_online_scores')
      .addColumn('trace_id', 'text', (column) => column.notNull())
      .addColumn('evaluator_id', 'text', (column) => column.notNull())
      .addColumn('metric', 'text', (column) => column.notNull())
      .addColumn('score', 'double precision', (column) => column.notNull())
      .addColumn('pass', 'integer', (column) => column.notNull())
      .addColumn('reason', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('eval_online_scores_pk', ['trace_id', 'evaluator_id', 'metric'])
      .execute();
    await db.schema
      .createIndex('eval_online_scores_evaluator_idx')
      .on('eval_online_scores')
      .columns(['evaluator_id', 'created_at'])
      .execute();
  },
};
