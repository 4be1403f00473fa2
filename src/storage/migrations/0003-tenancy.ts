/**
 * Tenancy: tenants own projects, projects own virtual keys; admin keys belong to a tenant; every admin
 * action is appended to the audit log. Traces gain the tenant, project and key that made the call, so
 * control-plane reads can be scoped to the caller and spend can be grouped by any of them.
 *
 * Limits, budgets, policy overrides and metadata are JSON text (validated by the admin API). Times are
 * epoch milliseconds (`bigint`). Nothing is deleted: revocation sets `revoked_at`.
 */
import type { Kysely } from 'kysely';
import type { StorageMigration } from './types.js';

export const tenancyTables: StorageMigration = {
  up: async (db: Kysely<unknown>): Promise<void> => {
    await db.schema
      .createTable('tenants')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('limits', 'text', (column) => column.notNull())
      .addColumn('budgets', 'text', (column) => column.notNull())
      .addColumn('policy', 'text', (column) => column.notNull())
      .addColumn('metadata', 'text', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('projects')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('limits', 'text', (column) => column.notNull())
      .addColumn('budgets', 'text', (column) => column.notNull())
      .addColumn('policy', 'text', (column) => column.notNull())
      .addColumn('metadata', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('projects_tenant_idx').on('projects').columns(['tenant_id']).execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      // Null for admin keys, which act on their whole tenant.
      .addColumn('project_id', 'text')
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('role', 'text')
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('key_hash', 'text', (column) => column.notNull().unique())
      .addColumn('key_prefix', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('allowed_models', 'text')
      .addColumn('allowed_prompts', 'text')
      .addColumn('limits', 'text', (column) => column.notNull())
      .addColumn('budgets', 'text', (column) => column.notNull())
      .addColumn('policy', 'text', (column) => column.notNull())
      .addColumn('metadata', 'text', (column) => column.notNull())
      .addColumn('created_by', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('api_keys_tenant_idx').on('api_keys').columns(['tenant_id']).execute();
    await db.schema.createIndex('api_keys_project_idx').on('api_keys').columns(['project_id']).execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('tenant_id', 'text', (column) => column.notNull())
      .addColumn('project_id', 'text')
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('target_type', 'text', (column) => column.notNull())
      .addColumn('target_id', 'text', (column) => column.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('request_id', 'text')
      .execute();
    await db.schema
      .createIndex('audit_log_tenant_at_idx')
      .on('audit_log')
      .columns(['tenant_id', 'at', 'id'])
      .execute();
    await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute();

    for (const column of ['tenant_id', 'project_id', 'key_id']) {
      await db.schema.alterTable('traces').addColumn(column, 'text').execute();
    }
    // Scoped trace lists and spend queries: the scope first, then the list order.
    for (const column of ['tenant_id', 'project_id', 'key_id']) {
      await db.schema
        .createIndex(`traces_${column}_start_time_idx`)
        .on('traces')
        .columns([column, 'start_time', 'id'])
        .execute();
    }
  },
};
