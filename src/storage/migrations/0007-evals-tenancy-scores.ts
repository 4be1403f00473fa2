/**
 * Evaluation joins tenancy and the shared scores. Datasets, eval runs and run labels carry
 * `tenant_id` and `project_id` (existing rows go to `default`), and a dataset name or a run label is
 * unique per tenant and project; tables whose uniqueness changes are rebuilt and their rows copied.
 * Online evaluation now writes into `scores` (source `eval`), so the scores it wrote to
 * `eval_online_scores` move there, under their trace's tenant and project, and that table goes.
 */
import { sql, type Kysely } from 'kysely';
import type { StorageMigration } from './types.js';

const scopeColumns = ['tenant_id', 'project_id'] as const;

export const evalTenancyScores: StorageMigration = {
  up: async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('eval_datasets_scoped')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      .addColumn('project_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('description', 'text')
      .addColumn('latest_version', 'integer', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addUniqueConstraint('eval_datasets_scope_name_key', [...scopeColumns, 'name'])
      .execute();
    await sql`insert into eval_datasets_scoped (id, tenant_id, project_id, name, description, latest_version, created_at)
      select id, 'default', 'default', name, description, latest_version, created_at from eval_datasets`.execute(
      db,
    );
    await db.schema.dropTable('eval_datasets').execute();
    await db.schema.alterTable('eval_datasets_scoped').renameTo('eval_datasets').execute();

    for (const column of scopeColumns) {
      await db.schema
        .alterTable('eval_runs')
        .addColumn(column, 'text', (definition) => definition.notNull().defaultTo('default'))
        .execute();
    }
    await db.schema
      .createIndex('eval_runs_scope_started_idx')
      .on('eval_runs')
      .columns([...scopeColumns, 'started_at'])
      .execute();

    await db.schema
      .createTable('eval_run_labels_scoped')
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      .addColumn('project_id', 'text', (column) => column.notNull())
      .addColumn('suite', 'text', (column) => column.notNull())
      .addColumn('label', 'text', (column) => column.notNull())
      .addColumn('run_id', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('eval_run_labels_scoped_pk', [...scopeColumns, 'suite', 'label'])
      .execute();
    await sql`insert into eval_run_labels_scoped (tenant_id, project_id, suite, label, run_id, updated_at)
      select 'default', 'default', suite, label, run_id, updated_at from eval_run_labels`.execute(db);
    await db.schema.dropTable('eval_run_labels').execute();
    await db.schema.alterTable('eval_run_labels_scoped').renameTo('eval_run_labels').execute();

    // One score per (trace, evaluator, metric) was kept, so an id made of those is unique. Grading
    // errors were stored as score 0: they are not scores, and are not moved.
    await sql`insert into scores (id, tenant_id, project_id, trace_id, name, data_type, numeric_value, string_value, source, comment, created_at)
      select 'score_' || s.evaluator_id || '_' || s.trace_id || '_' || s.metric,
             coalesce(t.tenant_id, 'default'), coalesce(t.project_id, 'default'), s.trace_id, s.metric,
             'numeric', s.score, null, 'eval', coalesce(s.reason, s.error), s.created_at
      from eval_online_scores s
      join traces t on t.id = s.trace_id
      where s.error is null`.execute(db);
    await db.schema.dropTable('eval_online_scores').execute();
  },
};
