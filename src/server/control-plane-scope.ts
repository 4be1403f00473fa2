/**
 * Who a control-plane call acts for and as, from the caller's key. A virtual key acts in its own
 * tenant and project; an admin key in its own tenant, in the project named by `x-gatehouse-project`
 * (`default` when absent); only the master key, which administers every tenant, may also name the
 * tenant with `x-gatehouse-tenant`. Another tenant's objects are therefore unaddressable (404). The
 * actor recorded in audits is the key (the master key may name a person with `x-gatehouse-actor`).
 */
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';
import { defaultProjectId, defaultTenantId } from '../tenancy/model.js';
import { actorOf, requirePermission, type Permission } from '../tenancy/roles.js';
import { principalOf } from './auth.js';

export interface ControlPlaneScope {
  tenantId: string;
  projectId: string;
  actor: string;
}

const idPattern = /^[\w.:-]{1,128}$/;

/** The caller's scope, once it is checked to hold `permission` (403 otherwise). */
export function controlPlaneScope(request: FastifyRequest, permission: Permission): ControlPlaneScope {
  const principal = principalOf(request);
  requirePermission(principal, permission);
  switch (principal.kind) {
    case 'master':
      return {
        tenantId: header(request, 'x-gatehouse-tenant') ?? defaultTenantId,
        projectId: header(request, 'x-gatehouse-project') ?? defaultProjectId,
        actor: header(request, 'x-gatehouse-actor') ?? actorOf(principal),
      };
    case 'admin':
      return {
        tenantId: principal.active.tenant.id,
        projectId: header(request, 'x-gatehouse-project') ?? defaultProjectId,
        actor: actorOf(principal),
      };
    case 'virtual':
      return {
        tenantId: principal.active.tenant.id,
        projectId: principal.active.project?.id ?? defaultProjectId,
        actor: actorOf(principal),
      };
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !idPattern.test(value)) {
    throw new GatewayError(
      'invalid_request',
      `Header ${name} must be 1–128 characters of letters, digits, _ . : -.`,
      {
        param: name,
      },
    );
  }
  return value;
}
