/**
 * The audit log: every admin action (who, what, before/after, when) appended, never changed, and
 * readable by the tenant it concerns. Budget threshold events land here too, with actor `gatehouse`.
 */
import type { Kysely } from 'kysely';
import type { AuditLogTable, Schema } from '../storage/schema.js';
import { newId } from './key-material.js';
import type { Scope } from './tenancy-repository.js';

export interface AuditEntry {
  id: string;
  at: number;
  tenantId: string;
  projectId: string | null;
  actor: string;
  /** `tenant.create`, `key.revoke`, `budget.threshold`… */
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface AuditQuery {
  from?: number;
  to?: number;
  action?: string;
  targetId?: string;
  limit: number;
}

export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry>;
  /** Newest first, within the caller's scope. */
  list(scope: Scope, query: AuditQuery): Promise<AuditEntry[]>;
}

export function createAuditLog(db: Kysely<Schema>): AuditLog {
  return {
    async append(input) {
      const entry: AuditEntry = { ...input, id: newId('aud'), at: Date.now() };
      await db.insertInto('audit_log').values(entryToRow(entry)).execute();
      return entry;
    },
    async list(scope, query) {
      let select = db.selectFrom('audit_log').selectAll();
      if (scope.tenantId !== null) select = select.where('tenant_id', '=', scope.tenantId);
      if (scope.projectId !== null) select = select.where('project_id', '=', scope.projectId);
      if (query.from !== undefined) select = select.where('at', '>=', query.from);
      if (query.to !== undefined) select = select.where('at', '<', query.to);
      if (query.action !== undefined) select = select.where('action', '=', query.action);
      if (query.targetId !== undefined) select = select.where('target_id', '=', query.targetId);
      const rows = await select.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(rowToEntry);
    },
  };
}

function entryToRow(entry: AuditEntry): AuditLogTable {
  return {
    id: entry.id,
    at: entry.at,
    tenant_id: entry.tenantId,
    project_id: entry.projectId,
    actor: entry.actor,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    before: entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
    request_id: entry.requestId,
  };
}

function rowToEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    tenantId: row.tenant_id,
    projectId: row.project_id,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    requestId: row.request_id,
  };
}
