/**
 * Who may do what on the control plane. The master key is the platform operator (every tenant);
 * admin keys act inside their tenant with a role; virtual keys may only read their own project's
 * traces and spend. Reads are scoped (scope()), writes are checked here; anything outside the
 * caller's scope is answered 404 by the repository, never 403, so existence does not leak.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { Principal, Role } from './model.js';
import type { Scope } from './tenancy-repository.js';

export type Permission =
  /** Create tenants, change a tenant's limits, budgets and policy, revoke tenants. */
  | 'tenants.write'
  /** Create, change and revoke projects and admin keys. */
  | 'projects.write'
  /** Create, change and revoke virtual keys. */
  | 'keys.write'
  /** Read tenants, projects, keys, audit log. */
  | 'config.read'
  /** Read traces and spend. */
  | 'usage.read'
  /** Read prompts, versions, labels and experiments. */
  | 'prompts.read'
  /** Push versions, move labels, run experiments. */
  | 'prompts.write'
  /** Record scores and feedback on traces. */
  | 'scores.write'
  /** Read eval datasets, runs, results and comparisons. */
  | 'evals.read'
  /** Create and change datasets; start, cancel, resume and label eval runs. */
  | 'evals.write'
  /** Define online evaluators (they sample every tenant's traces): granted to no role, master key only. */
  | 'evals.online'
  /** List, label and export the guardrails' human review queue (it holds request and answer text). */
  | 'guardrails.review';

const grants: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set([
    'projects.write',
    'keys.write',
    'config.read',
    'usage.read',
    'prompts.read',
    'prompts.write',
    'scores.write',
    'evals.read',
    'evals.write',
    'guardrails.review',
  ]),
  member: new Set([
    'keys.write',
    'config.read',
    'usage.read',
    'prompts.read',
    'prompts.write',
    'scores.write',
    'evals.read',
    'evals.write',
    'guardrails.review',
  ]),
  viewer: new Set(['config.read', 'usage.read', 'prompts.read', 'evals.read']),
};

/**
 * An app's key: its own traces and spend, the prompts it serves, feedback on its answers, and its
 * project's evals (a CI job runs them with the project's key, so its limits and budgets apply).
 */
const virtualGrants: ReadonlySet<Permission> = new Set([
  'usage.read',
  'prompts.read',
  'scores.write',
  'evals.read',
  'evals.write',
]);

export function can(principal: Principal, permission: Permission): boolean {
  switch (principal.kind) {
    case 'master':
      return true;
    case 'admin':
      return grants[principal.role].has(permission);
    case 'virtual':
      return virtualGrants.has(permission);
  }
}

/** Throws 403 naming the missing permission. */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (can(principal, permission)) return;
  const who = principal.kind === 'admin' ? `an admin key with role ${principal.role}` : 'a virtual key';
  throw new GatewayError('permission_denied', `${who} may not do this (needs ${permission}).`, {
    publicCode: 'insufficient_permissions',
  });
}

/** What the caller may see. */
export function scopeOf(principal: Principal): Scope {
  switch (principal.kind) {
    case 'master':
      return { tenantId: null, projectId: null };
    case 'admin':
      return { tenantId: principal.active.tenant.id, projectId: null };
    case 'virtual':
      return { tenantId: principal.active.tenant.id, projectId: principal.active.project?.id ?? null };
  }
}

/** How the audit log names the caller. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'master'
    ? 'master'
    : `${principal.active.key.id} (${principal.active.key.prefix}…)`;
}
