/**
 * Tenants, projects and keys in the database (SQLite or PostgreSQL through Kysely). Rows are never
 * deleted: revocation sets `revoked_at`. Every read takes the caller's scope, so a query can never
 * return another tenant's rows by mistake.
 */
import type { Kysely } from 'kysely';
import type { ApiKeysTable, ProjectsTable, Schema, TenantsTable } from '../storage/schema.js';
import type { ApiKey, BudgetSpec, LimitSpec, PolicyOverrides, Project, Tenant } from './model.js';

/** What a caller may see: one tenant (and within it, optionally one project), or everything (null). */
export interface Scope {
  tenantId: string | null;
  projectId: string | null;
}

export interface KeyFilter {
  projectId?: string;
  tenantId?: string;
  kind?: 'virtual' | 'admin';
}

export interface TenancyRepository {
  insertTenant(tenant: Tenant): Promise<void>;
  insertProject(project: Project): Promise<void>;
  insertKey(key: ApiKey, hash: string): Promise<void>;
  updateTenant(tenant: Tenant): Promise<void>;
  updateProject(project: Project): Promise<void>;
  updateKey(key: ApiKey): Promise<void>;
  getTenant(scope: Scope, id: string): Promise<Tenant | null>;
  getProject(scope: Scope, id: string): Promise<Project | null>;
  getKey(scope: Scope, id: string): Promise<ApiKey | null>;
  listTenants(scope: Scope): Promise<Tenant[]>;
  listProjects(scope: Scope, tenantId?: string): Promise<Project[]>;
  listKeys(scope: Scope, filter: KeyFilter): Promise<ApiKey[]>;
  /** Every key that is not revoked, with its hash, project and tenant (for the key directory). */
  loadUsableKeys(): Promise<{ key: ApiKey; hash: string; project: Project | null; tenant: Tenant }[]>;
}

export function createTenancyRepository(db: Kysely<Schema>): TenancyRepository {
  return {
    async insertTenant(tenant) {
      await db.insertInto('tenants').values(tenantToRow(tenant)).execute();
    },
    async insertProject(project) {
      await db.insertInto('projects').values(projectToRow(project)).execute();
    },
    async insertKey(key, hash) {
      await db.insertInto('api_keys').values(keyToRow(key, hash)).execute();
    },
    async updateTenant(tenant) {
      const { id, ...row } = tenantToRow(tenant);
      await db.updateTable('tenants').set(row).where('id', '=', id).execute();
    },
    async updateProject(project) {
      const { id, tenant_id: _tenant, ...row } = projectToRow(project);
      await db.updateTable('projects').set(row).where('id', '=', id).execute();
    },
    async updateKey(key) {
      const { id, tenant_id: _t, project_id: _p, key_hash: _h, ...row } = keyToRow(key, '');
      await db.updateTable('api_keys').set(row).where('id', '=', id).execute();
    },
    async getTenant(scope, id) {
      if (scope.tenantId !== null && scope.tenantId !== id) return null;
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : rowToTenant(row);
    },
    async getProject(scope, id) {
      let query = db.selectFrom('projects').selectAll().where('id', '=', id);
      if (scope.tenantId !== null) query = query.where('tenant_id', '=', scope.tenantId);
      if (scope.projectId !== null) query = query.where('id', '=', scope.projectId);
      const row = await query.executeTakeFirst();
      return row === undefined ? null : rowToProject(row);
    },
    async getKey(scope, id) {
      let query = db.selectFrom('api_keys').selectAll().where('id', '=', id);
      if (scope.tenantId !== null) query = query.where('tenant_id', '=', scope.tenantId);
      if (scope.projectId !== null) query = query.where('project_id', '=', scope.projectId);
      const row = await query.executeTakeFirst();
      return row === undefined ? null : rowToKey(row);
    },
    async listTenants(scope) {
      let query = db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id');
      if (scope.tenantId !== null) query = query.where('id', '=', scope.tenantId);
      return (await query.execute()).map(rowToTenant);
    },
    async listProjects(scope, tenantId) {
      let query = db.selectFrom('projects').selectAll().orderBy('created_at').orderBy('id');
      if (scope.tenantId !== null) query = query.where('tenant_id', '=', scope.tenantId);
      if (scope.projectId !== null) query = query.where('id', '=', scope.projectId);
      if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
      return (await query.execute()).map(rowToProject);
    },
    async listKeys(scope, filter) {
      let query = db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id');
      if (scope.tenantId !== null) query = query.where('tenant_id', '=', scope.tenantId);
      if (scope.projectId !== null) query = query.where('project_id', '=', scope.projectId);
      if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
      if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      return (await query.execute()).map(rowToKey);
    },
    async loadUsableKeys() {
      const [keys, projects, tenants] = await Promise.all([
        db.selectFrom('api_keys').selectAll().where('revoked_at', 'is', null).execute(),
        db.selectFrom('projects').selectAll().where('revoked_at', 'is', null).execute(),
        db.selectFrom('tenants').selectAll().where('revoked_at', 'is', null).execute(),
      ]);
      const projectById = new Map(projects.map((row) => [row.id, rowToProject(row)]));
      const tenantById = new Map(tenants.map((row) => [row.id, rowToTenant(row)]));
      const usable = [];
      for (const row of keys) {
        const tenant = tenantById.get(row.tenant_id);
        const project = row.project_id === null ? null : projectById.get(row.project_id);
        // A revoked project or tenant takes its keys with it.
        if (tenant === undefined || project === undefined) continue;
        usable.push({ key: rowToKey(row), hash: row.key_hash, project, tenant });
      }
      return usable;
    },
  };
}

function governedColumns(value: Tenant | Project | ApiKey) {
  return {
    name: value.name,
    created_at: value.createdAt,
    updated_at: value.updatedAt,
    revoked_at: value.revokedAt,
    limits: JSON.stringify(value.limits),
    budgets: JSON.stringify(value.budgets),
    policy: JSON.stringify(value.policy),
    metadata: JSON.stringify(value.metadata),
  };
}

function governedFields(row: TenantsTable | ProjectsTable | ApiKeysTable) {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revokedAt: row.revoked_at,
    limits: JSON.parse(row.limits) as LimitSpec,
    budgets: JSON.parse(row.budgets) as BudgetSpec[],
    policy: JSON.parse(row.policy) as PolicyOverrides,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
  };
}

function tenantToRow(tenant: Tenant): TenantsTable {
  return { id: tenant.id, ...governedColumns(tenant) };
}

function projectToRow(project: Project): ProjectsTable {
  return { id: project.id, tenant_id: project.tenantId, ...governedColumns(project) };
}

function keyToRow(key: ApiKey, hash: string): ApiKeysTable {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    project_id: key.projectId,
    kind: key.kind,
    role: key.role,
    key_hash: hash,
    key_prefix: key.prefix,
    expires_at: key.expiresAt,
    allowed_models: key.allowedModels === null ? null : JSON.stringify(key.allowedModels),
    allowed_prompts: key.allowedPrompts === null ? null : JSON.stringify(key.allowedPrompts),
    created_by: key.createdBy,
    ...governedColumns(key),
  };
}

function rowToTenant(row: TenantsTable): Tenant {
  return governedFields(row);
}

function rowToProject(row: ProjectsTable): Project {
  return { ...governedFields(row), tenantId: row.tenant_id };
}

function rowToKey(row: ApiKeysTable): ApiKey {
  return {
    ...governedFields(row),
    tenantId: row.tenant_id,
    projectId: row.project_id,
    kind: row.kind,
    role: row.role,
    prefix: row.key_prefix,
    expiresAt: row.expires_at,
    allowedModels: row.allowed_models === null ? null : (JSON.parse(row.allowed_models) as string[]),
    allowedPrompts: row.allowed_prompts === null ? null : (JSON.parse(row.allowed_prompts) as string[]),
    createdBy: row.created_by,
  };
}
