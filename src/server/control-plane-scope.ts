/**
 * Who a control-plane call acts for and as. The tenant and project come from `x-gatehouse-tenant` /
 * `x-gatehouse-project` (the master key administers every tenant; `default` when absent); the actor
 * recorded in audits comes from `x-gatehouse-actor` (`api` when absent).
 */
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';

export interface ControlPlaneScope {
  tenantId: string;
  projectId: string;
  actor: string;
}

const idPattern = /^[\w.:-]{1,128}$/;

export function controlPlaneScope(request: FastifyRequest): ControlPlaneScope {
  return {
    tenantId: header(request, 'x-gatehouse-tenant') ?? 'default',
    projectId: header(request, 'x-gatehouse-project') ?? 'default',
    actor: header(request, 'x-gatehouse-actor') ?? 'api',
  };
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
