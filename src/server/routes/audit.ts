/** `GET /api/audit`: the audit log, newest first, scoped to the caller's tenant. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditEntry, AuditLog } from '../../tenancy/audit-log.js';
import { requirePermission, scopeOf } from '../../tenancy/roles.js';
import { principalOf } from '../auth.js';
import { instant } from '../instant.js';
import { parseBody } from '../request-schemas.js';

const auditQuery = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  action: z.string().min(1).optional(),
  target_id: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function registerAuditRoute(app: FastifyInstance, audit: AuditLog): void {
  app.get('/api/audit', async (request) => {
    const principal = principalOf(request);
    requirePermission(principal, 'config.read');
    const query = parseBody<z.infer<typeof auditQuery>>(auditQuery, { ...(request.query as object) });
    const entries = await audit.list(scopeOf(principal), {
      limit: query.limit,
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(query.target_id === undefined ? {} : { targetId: query.target_id }),
    });
    return { data: entries.map(auditView) };
  });
}

function auditView(entry: AuditEntry) {
  return {
    id: entry.id,
    at: entry.at,
    tenant_id: entry.tenantId,
    project_id: entry.projectId,
    actor: entry.actor,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    before: entry.before,
    after: entry.after,
    request_id: entry.requestId,
  };
}
