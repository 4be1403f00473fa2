/**
 * The prompt registry (issue 7): prompts, their immutable versions, movable labels and the audit of
 * every label move, experiments that split a label's traffic, feedback scores, and the trace columns
 * that record which prompt version (and experiment variant) served a request.
 *
 * Every registry row carries `tenant_id` and `project_id` (never null: `default` when the caller has
 * no tenant), so a unique name is per tenant and project and one tenant cannot address another's rows.
 */
import type { Kysely } from 'kysely';
import type { StorageMigration } from './types.js';

export const promptTables: StorageMigration = {
  up: async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('prompts')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      .addColumn('project_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addUniqueConstraint('prompts_scope_name_key', ['tenant_id', 'project_id', 'name'])
      .execute();

    await db.schema
      .createTable('prompt_versions')
      .addColumn('prompt_id', 'text', (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      // JSON: the text template (a string) or the chat template (a message list).
      .addColumn('template', 'text', (column) => column.notNull())
      .addColumn('config', 'text', (column) => column.notNull())
      .addColumn('variables', 'text', (column) => column.notNull())
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('extra_variables', 'text', (column) => column.notNull())
      .addColumn('commit_message', 'text')
      // Identical content (template, config, variables, options) hashes the same: a push of it is a no-op.
      .addColumn('content_hash', 'text', (column) => column.notNull())
      .addColumn('created_by', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('prompt_versions_pk', ['prompt_id', 'version'])
      .execute();

    await db.schema
      .createTable('prompt_labels')
      .addColumn('prompt_id', 'text', (column) => column.notNull())
      .addColumn('label', 'text', (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('prompt_labels_pk', ['prompt_id', 'label'])
      .execute();

    await db.schema
      .createTable('prompt_label_events')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('prompt_id', 'text', (column) => column.notNull())
      .addColumn('label', 'text', (column) => column.notNull())
      .addColumn('from_version', 'integer')
      .addColumn('to_version', 'integer')
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('prompt_label_events_prompt_idx')
      .on('prompt_label_events')
      .columns(['prompt_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('prompt_experiments')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('prompt_id', 'text', (column) => column.notNull())
      .addColumn('label', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('variants', 'text', (column) => column.notNull())
      .addColumn('segment', 'text')
      .addColumn('shipped_variant', 'text')
      .addColumn('created_by', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('ended_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('prompt_experiments_prompt_idx')
      .on('prompt_experiments')
      .columns(['prompt_id', 'status'])
      .execute();

    await db.schema
      .createTable('scores')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      .addColumn('project_id', 'text', (column) => column.notNull())
      .addColumn('trace_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('data_type', 'text', (column) => column.notNull())
      // Numeric and boolean scores (true = 1) in numeric_value; categorical ones in string_value.
      .addColumn('numeric_value', 'double precision')
      .addColumn('string_value', 'text')
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('comment', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('scores_trace_idx').on('scores').columns(['trace_id', 'name']).execute();

    // Which prompt version served a request: never only the label, always the exact version.
    await db.schema.alterTable('traces').addColumn('prompt_name', 'text').execute();
    await db.schema.alterTable('traces').addColumn('prompt_version', 'integer').execute();
    await db.schema.alterTable('traces').addColumn('prompt_label', 'text').execute();
    await db.schema.alterTable('traces').addColumn('experiment_id', 'text').execute();
    await db.schema.alterTable('traces').addColumn('experiment_variant', 'text').execute();
    // Feedback may name a request by the id the client saw (`x-request-id`).
    await db.schema.createIndex('traces_request_id_idx').on('traces').column('request_id').execute();
    // Per-variant results read every trace of one experiment.
    await db.schema
      .createIndex('traces_experiment_idx')
      .on('traces')
      .columns(['experiment_id', 'experiment_variant'])
      .execute();
  },
};
