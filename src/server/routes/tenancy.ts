/**
 * The tenancy admin API: tenants, projects, virtual keys and admin keys. Create, list, read, update
 * (PATCH) and revoke (DELETE; rows are kept, revoked). Everything is scoped to the caller: objects
 * of another tenant answer 404. Key secrets appear once, in the create response.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  budgetsSchema,
  limitSpecSchema,
  metadataSchema,
  policyOverridesSchema,
  roles,
  type ApiKey,
  type Project,
  type Tenant,
} from '../../tenancy/model.js';
import type { Caller, CreatedKey, TenancyService } from '../../tenancy/tenancy-service.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { principalOf } from '../auth.js';
import { instant } from '../instant.js';
import { parseBody } from '../request-schemas.js';

const name = z.string().trim().min(1).max(200);
const governed = {
  limits: limitSpecSchema.optional(),
  budgets: budgetsSchema.optional(),
  policy: policyOverridesSchema.optional(),
  metadata: metadataSchema.optional(),
};
const futureInstant = instant.refine((time) => time > Date.now(), 'must be in the future');
const modelList = z.array(z.string().min(1)).max(500);

const tenantCreate = z.strictObject({ name, ...governed });
const tenantUpdate = z.strictObject({ name: name.optional(), ...governed });
const projectCreate = z.strictObject({ tenant_id: z.string().min(1), name, ...governed });
const projectUpdate = tenantUpdate;
const keyFields = {
  name: name.optional(),
  expires_at: futureInstant.nullable().optional(),
  allowed_models: modelList.nullable().optional(),
  allowed_prompts: modelList.nullable().optional(),
  ...governed,
};
const keyCreate = z.strictObject({ project_id: z.string().min(1), ...keyFields });
const keyUpdate = z.strictObject(keyFields);
const adminKeyCreate = z.strictObject({
  tenant_id: z.string().min(1),
  role: z.enum(roles),
  name: name.optional(),
  expires_at: futureInstant.nullable().optional(),
});
const keyListQuery = z.strictObject({
  project_id: z.string().min(1).optional(),
  tenant_id: z.string().min(1).optional(),
  kind: z.enum(['virtual', 'admin']).optional(),
});
const projectListQuery = z.strictObject({ tenant_id: z.string().min(1).optional() });

type Params = { Params: { id: string } };

export function registerTenancyRoutes(app: FastifyInstance, service: TenancyService): void {
  const caller = (request: FastifyRequest): Caller => ({
    principal: principalOf(request),
    requestId: request.id,
  });

  app.post('/api/tenants', async (request, reply) => {
    const input = parseBody<z.infer<typeof tenantCreate>>(tenantCreate, request.body);
    return reply.code(201).send(tenantView(await service.createTenant(caller(request), input)));
  });
  app.get('/api/tenants', async (request) => ({
    data: (await service.listTenants(caller(request))).map(tenantView),
  }));
  app.get<Params>('/api/tenants/:id', async (request) =>
    tenantView(await service.getTenant(caller(request), request.params.id)),
  );
  app.patch<Params>('/api/tenants/:id', async (request) => {
    const input = parseBody<z.infer<typeof tenantUpdate>>(tenantUpdate, request.body);
    return tenantView(await service.updateTenant(caller(request), request.params.id, input));
  });
  app.delete<Params>('/api/tenants/:id', async (request) =>
    tenantView(await service.revokeTenant(caller(request), request.params.id)),
  );

  app.post('/api/projects', async (request, reply) => {
    const input = parseBody<z.infer<typeof projectCreate>>(projectCreate, request.body);
    return reply.code(201).send(projectView(await service.createProject(caller(request), input)));
  });
  app.get('/api/projects', async (request) => {
    const query = parseBody<z.infer<typeof projectListQuery>>(projectListQuery, {
      ...(request.query as object),
    });
    return { data: (await service.listProjects(caller(request), query.tenant_id)).map(projectView) };
  });
  app.get<Params>('/api/projects/:id', async (request) =>
    projectView(await service.getProject(caller(request), request.params.id)),
  );
  app.patch<Params>('/api/projects/:id', async (request) => {
    const input = parseBody<z.infer<typeof projectUpdate>>(projectUpdate, request.body);
    return projectView(await service.updateProject(caller(request), request.params.id, input));
  });
  app.delete<Params>('/api/projects/:id', async (request) =>
    projectView(await service.revokeProject(caller(request), request.params.id)),
  );

  app.post('/api/keys', async (request, reply) => {
    const input = parseBody<z.infer<typeof keyCreate>>(keyCreate, request.body);
    return reply.code(201).send(createdKeyView(await service.createKey(caller(request), input)));
  });
  app.post('/api/admin-keys', async (request, reply) => {
    const input = parseBody<z.infer<typeof adminKeyCreate>>(adminKeyCreate, request.body);
    return reply.code(201).send(createdKeyView(await service.createAdminKey(caller(request), input)));
  });
  app.get('/api/keys', async (request) => {
    const query = parseBody<z.infer<typeof keyListQuery>>(keyListQuery, { ...(request.query as object) });
    const filter = {
      ...(query.project_id === undefined ? {} : { projectId: query.project_id }),
      ...(query.tenant_id === undefined ? {} : { tenantId: query.tenant_id }),
      ...(query.kind === undefined ? {} : { kind: query.kind }),
    };
    return { data: (await service.listKeys(caller(request), filter)).map(keyView) };
  });
  app.get<Params>('/api/keys/:id', async (request) =>
    keyView(await service.getKey(caller(request), request.params.id)),
  );
  app.patch<Params>('/api/keys/:id', async (request) => {
    const input = parseBody<z.infer<typeof keyUpdate>>(keyUpdate, request.body);
    if (Object.keys(input).length === 0) {
      throw new GatewayError('invalid_request', 'Nothing to change: send at least one field.');
    }
    return keyView(await service.updateKey(caller(request), request.params.id, input));
  });
  app.delete<Params>('/api/keys/:id', async (request) =>
    keyView(await service.revokeKey(caller(request), request.params.id)),
  );
}

function governedView(value: Tenant | Project | ApiKey) {
  return {
    id: value.id,
    name: value.name,
    created_at: value.createdAt,
    updated_at: value.updatedAt,
    revoked_at: value.revokedAt,
    limits: value.limits,
    budgets: value.budgets,
    policy: value.policy,
    metadata: value.metadata,
  };
}

function tenantView(tenant: Tenant) {
  return { object: 'tenant', ...governedView(tenant) };
}

function projectView(project: Project) {
  return { object: 'project', tenant_id: project.tenantId, ...governedView(project) };
}

function keyView(key: ApiKey) {
  return {
    object: key.kind === 'admin' ? 'admin_key' : 'key',
    ...governedView(key),
    tenant_id: key.tenantId,
    project_id: key.projectId,
    role: key.role,
    prefix: key.prefix,
    expires_at: key.expiresAt,
    allowed_models: key.allowedModels,
    allowed_prompts: key.allowedPrompts,
    created_by: key.createdBy,
  };
}

function createdKeyView(created: CreatedKey) {
  return { ...keyView(created.key), key: created.secret };
}
