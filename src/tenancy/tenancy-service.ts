/**
 * The admin operations on tenants, projects and keys: permission check, scoped lookup (404 outside
 * the caller's scope), the write, an audit entry with before and after, and a key-directory refresh
 * so the change applies on every replica within a second.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { AuditLog } from './audit-log.js';
import type { KeyDirectory } from './key-directory.js';
import { generateKeyMaterial, newId } from './key-material.js';
import type {
  ApiKey,
  BudgetSpec,
  LimitSpec,
  PolicyOverrides,
  Principal,
  Project,
  Role,
  Tenant,
} from './model.js';
import { actorOf, requirePermission, scopeOf } from './roles.js';
import type { KeyFilter, TenancyRepository } from './tenancy-repository.js';

export interface GovernedInput {
  name?: string;
  limits?: LimitSpec;
  budgets?: BudgetSpec[];
  policy?: PolicyOverrides;
  metadata?: Record<string, string>;
}

export interface KeyInput extends GovernedInput {
  expires_at?: number | null;
  allowed_models?: string[] | null;
  allowed_prompts?: string[] | null;
}

/** Who acts, and the request it came with (for the audit log). */
export interface Caller {
  principal: Principal;
  requestId: string;
}

export interface CreatedKey {
  key: ApiKey;
  /** Shown once; never stored. */
  secret: string;
}

export interface TenancyService {
  createTenant(caller: Caller, input: GovernedInput & { name: string }): Promise<Tenant>;
  updateTenant(caller: Caller, id: string, input: GovernedInput): Promise<Tenant>;
  revokeTenant(caller: Caller, id: string): Promise<Tenant>;
  getTenant(caller: Caller, id: string): Promise<Tenant>;
  listTenants(caller: Caller): Promise<Tenant[]>;
  createProject(caller: Caller, input: GovernedInput & { name: string; tenant_id: string }): Promise<Project>;
  updateProject(caller: Caller, id: string, input: GovernedInput): Promise<Project>;
  revokeProject(caller: Caller, id: string): Promise<Project>;
  getProject(caller: Caller, id: string): Promise<Project>;
  listProjects(caller: Caller, tenantId?: string): Promise<Project[]>;
  createKey(caller: Caller, input: KeyInput & { project_id: string }): Promise<CreatedKey>;
  createAdminKey(
    caller: Caller,
    input: { tenant_id: string; role: Role; name?: string; expires_at?: number | null },
  ): Promise<CreatedKey>;
  updateKey(caller: Caller, id: string, input: KeyInput): Promise<ApiKey>;
  revokeKey(caller: Caller, id: string): Promise<ApiKey>;
  getKey(caller: Caller, id: string): Promise<ApiKey>;
  listKeys(caller: Caller, filter: KeyFilter): Promise<ApiKey[]>;
}

export interface TenancyServiceOptions {
  repository: TenancyRepository;
  audit: AuditLog;
  directory: KeyDirectory;
}

export function createTenancyService(options: TenancyServiceOptions): TenancyService {
  const { repository, audit, directory } = options;

  function notFound(kind: string, id: string, param: string): GatewayError {
    return new GatewayError('not_found', `No ${kind} with id ${id}.`, { param });
  }

  async function tenantOrThrow(caller: Caller, id: string, param = 'id'): Promise<Tenant> {
    const tenant = await repository.getTenant(scopeOf(caller.principal), id);
    if (tenant === null) throw notFound('tenant', id, param);
    return tenant;
  }

  async function projectOrThrow(caller: Caller, id: string, param = 'id'): Promise<Project> {
    const project = await repository.getProject(scopeOf(caller.principal), id);
    if (project === null) throw notFound('project', id, param);
    return project;
  }

  async function keyOrThrow(caller: Caller, id: string): Promise<ApiKey> {
    const key = await repository.getKey(scopeOf(caller.principal), id);
    if (key === null) throw notFound('key', id, 'id');
    return key;
  }

  function refuseRevoked(value: { revokedAt: number | null; id: string }, kind: string, param: string): void {
    if (value.revokedAt !== null) {
      throw new GatewayError('invalid_request', `The ${kind} ${value.id} is revoked.`, { param });
    }
  }

  async function record(
    caller: Caller,
    action: string,
    target: { id: string; tenantId: string; projectId: string | null },
    before: unknown,
    after: unknown,
  ): Promise<void> {
    await audit.append({
      tenantId: target.tenantId,
      projectId: target.projectId,
      actor: actorOf(caller.principal),
      action,
      targetType: action.slice(0, action.indexOf('.')),
      targetId: target.id,
      before: before === null ? null : redactSecrets(before),
      after: after === null ? null : redactSecrets(after),
      requestId: caller.requestId,
    });
  }

  function applyGoverned<T extends Tenant | Project | ApiKey>(
    value: T,
    input: GovernedInput,
    now: number,
  ): T {
    return {
      ...value,
      name: input.name ?? value.name,
      limits: input.limits ?? value.limits,
      budgets: input.budgets ?? value.budgets,
      policy: input.policy ?? value.policy,
      metadata: input.metadata ?? value.metadata,
      updatedAt: now,
    };
  }

  function governedDefaults(name: string, now: number) {
    return {
      name,
      createdAt: now,
      updatedAt: now,
      revokedAt: null,
      limits: {},
      budgets: [],
      policy: {},
      metadata: {},
    };
  }

  async function insertKey(caller: Caller, key: Omit<ApiKey, 'prefix'>): Promise<CreatedKey> {
    const material = generateKeyMaterial();
    const full: ApiKey = { ...key, prefix: material.prefix };
    await repository.insertKey(full, material.hash);
    await record(caller, full.kind === 'admin' ? 'admin_key.create' : 'key.create', full, null, full);
    await directory.changed();
    return { key: full, secret: material.secret };
  }

  async function changeKey(
    caller: Caller,
    id: string,
    change: (key: ApiKey, now: number) => ApiKey,
    verb: string,
  ) {
    const before = await keyOrThrow(caller, id);
    requirePermission(caller.principal, before.kind === 'admin' ? 'projects.write' : 'keys.write');
    if (verb === 'update') refuseRevoked(before, 'key', 'id');
    const after = change(before, Date.now());
    await repository.updateKey(after);
    await record(caller, `${before.kind === 'admin' ? 'admin_key' : 'key'}.${verb}`, after, before, after);
    await directory.changed();
    return after;
  }

  return {
    async createTenant(caller, input) {
      requirePermission(caller.principal, 'tenants.write');
      const now = Date.now();
      const tenant: Tenant = applyGoverned(
        { id: newId('ten'), ...governedDefaults(input.name, now) },
        input,
        now,
      );
      await repository.insertTenant(tenant);
      await record(
        caller,
        'tenant.create',
        { id: tenant.id, tenantId: tenant.id, projectId: null },
        null,
        tenant,
      );
      return tenant;
    },
    async updateTenant(caller, id, input) {
      const before = await tenantOrThrow(caller, id);
      requirePermission(caller.principal, 'tenants.write');
      refuseRevoked(before, 'tenant', 'id');
      const after = applyGoverned(before, input, Date.now());
      await repository.updateTenant(after);
      await record(caller, 'tenant.update', { id, tenantId: id, projectId: null }, before, after);
      await directory.changed();
      return after;
    },
    async revokeTenant(caller, id) {
      const before = await tenantOrThrow(caller, id);
      requirePermission(caller.principal, 'tenants.write');
      if (before.revokedAt !== null) return before;
      const after = { ...before, revokedAt: Date.now(), updatedAt: Date.now() };
      await repository.updateTenant(after);
      await record(caller, 'tenant.revoke', { id, tenantId: id, projectId: null }, before, after);
      await directory.changed();
      return after;
    },
    async getTenant(caller, id) {
      const tenant = await tenantOrThrow(caller, id);
      requirePermission(caller.principal, 'config.read');
      return tenant;
    },
    async listTenants(caller) {
      requirePermission(caller.principal, 'config.read');
      return repository.listTenants(scopeOf(caller.principal));
    },

    async createProject(caller, input) {
      const tenant = await tenantOrThrow(caller, input.tenant_id, 'tenant_id');
      requirePermission(caller.principal, 'projects.write');
      refuseRevoked(tenant, 'tenant', 'tenant_id');
      const now = Date.now();
      const project: Project = applyGoverned(
        { id: newId('prj'), tenantId: tenant.id, ...governedDefaults(input.name, now) },
        input,
        now,
      );
      await repository.insertProject(project);
      await record(caller, 'project.create', { ...project, projectId: project.id }, null, project);
      return project;
    },
    async updateProject(caller, id, input) {
      const before = await projectOrThrow(caller, id);
      requirePermission(caller.principal, 'projects.write');
      refuseRevoked(before, 'project', 'id');
      const after = applyGoverned(before, input, Date.now());
      await repository.updateProject(after);
      await record(caller, 'project.update', { ...after, projectId: id }, before, after);
      await directory.changed();
      return after;
    },
    async revokeProject(caller, id) {
      const before = await projectOrThrow(caller, id);
      requirePermission(caller.principal, 'projects.write');
      if (before.revokedAt !== null) return before;
      const after = { ...before, revokedAt: Date.now(), updatedAt: Date.now() };
      await repository.updateProject(after);
      await record(caller, 'project.revoke', { ...after, projectId: id }, before, after);
      await directory.changed();
      return after;
    },
    async getProject(caller, id) {
      const project = await projectOrThrow(caller, id);
      requirePermission(caller.principal, 'config.read');
      return project;
    },
    async listProjects(caller, tenantId) {
      requirePermission(caller.principal, 'config.read');
      return repository.listProjects(scopeOf(caller.principal), tenantId);
    },

    async createKey(caller, input) {
      const project = await projectOrThrow(caller, input.project_id, 'project_id');
      requirePermission(caller.principal, 'keys.write');
      refuseRevoked(project, 'project', 'project_id');
      const now = Date.now();
      return insertKey(caller, {
        ...applyGoverned(
          { id: newId('key'), ...governedDefaults(input.name ?? 'unnamed key', now) },
          input,
          now,
        ),
        tenantId: project.tenantId,
        projectId: project.id,
        kind: 'virtual',
        role: null,
        expiresAt: input.expires_at ?? null,
        allowedModels: input.allowed_models ?? null,
        allowedPrompts: input.allowed_prompts ?? null,
        createdBy: actorOf(caller.principal),
      });
    },
    async createAdminKey(caller, input) {
      const tenant = await tenantOrThrow(caller, input.tenant_id, 'tenant_id');
      requirePermission(caller.principal, 'projects.write');
      refuseRevoked(tenant, 'tenant', 'tenant_id');
      // An admin key never grants more than its creator holds.
      if (caller.principal.kind === 'admin' && input.role === 'admin' && caller.principal.role !== 'admin') {
        requirePermission(caller.principal, 'tenants.write');
      }
      const now = Date.now();
      return insertKey(caller, {
        id: newId('key'),
        ...governedDefaults(input.name ?? `${input.role} key`, now),
        tenantId: tenant.id,
        projectId: null,
        kind: 'admin',
        role: input.role,
        expiresAt: input.expires_at ?? null,
        allowedModels: null,
        allowedPrompts: null,
        createdBy: actorOf(caller.principal),
      });
    },
    updateKey: (caller, id, input) =>
      changeKey(
        caller,
        id,
        (key, now) => ({
          ...applyGoverned(key, input, now),
          expiresAt: input.expires_at === undefined ? key.expiresAt : input.expires_at,
          allowedModels: input.allowed_models === undefined ? key.allowedModels : input.allowed_models,
          allowedPrompts: input.allowed_prompts === undefined ? key.allowedPrompts : input.allowed_prompts,
        }),
        'update',
      ),
    revokeKey: (caller, id) =>
      changeKey(
        caller,
        id,
        (key, now) => (key.revokedAt !== null ? key : { ...key, revokedAt: now, updatedAt: now }),
        'revoke',
      ),
    async getKey(caller, id) {
      const key = await keyOrThrow(caller, id);
      requirePermission(caller.principal, 'config.read');
      return key;
    },
    async listKeys(caller, filter) {
      requirePermission(caller.principal, 'config.read');
      return repository.listKeys(scopeOf(caller.principal), filter);
    },
  };
}

/** Audit entries never hold secrets; keys are stored without theirs already, this is belt and braces. */
function redactSecrets(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (name, field: unknown) => (name === 'secret' ? undefined : field)));
}
