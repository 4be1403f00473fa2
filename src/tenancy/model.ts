/**
 * The tenancy model: tenants own projects, projects own virtual keys, and each level may carry rate
 * limits, budgets and policy overrides. The zod schemas here validate what the admin API accepts
 * (zero or negative limits are rejected, naming the field); the types are inferred from them.
 */
import { z } from 'zod';
import type { BudgetSpec, LimitSpec } from '../limits/limit-spec.js';

export {
  budgetPeriods,
  budgetsSchema,
  limitSpecSchema,
  type BudgetPeriod,
  type BudgetSpec,
  type LimitSpec,
  type RateLimits,
} from '../limits/limit-spec.js';

export const roles = ['admin', 'member', 'viewer'] as const;
export type Role = (typeof roles)[number];

const modelPatternList = z.array(z.string().min(1)).max(500);

export const policyOverridesSchema = z.strictObject({
  guardrail_policy: z.string().min(1).optional(),
  cache_policy: z.string().min(1).optional(),
  allowed_models: modelPatternList.optional(),
  default_metadata: z.record(z.string(), z.string()).optional(),
});
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

export const metadataSchema = z.record(z.string(), z.string());

/** What tenants, projects and keys share. Times are epoch milliseconds. */
interface Governed {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
  limits: LimitSpec;
  budgets: BudgetSpec[];
  policy: PolicyOverrides;
  metadata: Record<string, string>;
}

export type Tenant = Governed;

export interface Project extends Governed {
  tenantId: string;
}

export interface ApiKey extends Governed {
  tenantId: string;
  /** Null for admin keys. */
  projectId: string | null;
  kind: 'virtual' | 'admin';
  /** Set for admin keys. */
  role: Role | null;
  /** The first characters of the key, shown in listings so people can tell keys apart. */
  prefix: string;
  expiresAt: number | null;
  allowedModels: string[] | null;
  allowedPrompts: string[] | null;
  createdBy: string;
}

/** The tenant the master key (and unauthenticated loopback use) acts as on the data plane. */
export const defaultTenantId = 'default';
export const defaultProjectId = 'default';

/** The effective policy of a key: tenant, then project, then key (innermost wins; allow-lists intersect). */
export interface EffectivePolicy {
  guardrailPolicy: string | null;
  cachePolicy: string | null;
  /** Every list a level set; a model must match each one. Empty: any model. */
  allowedModelLists: readonly (readonly string[])[];
  allowedPrompts: readonly string[] | null;
  defaultMetadata: Readonly<Record<string, string>>;
}

/** A usable key as the data plane sees it, built once when the key is loaded. */
export interface ActiveKey {
  key: ApiKey;
  project: Project | null;
  tenant: Tenant;
  policy: EffectivePolicy;
}

/** Who is calling. */
export type Principal =
  | { kind: 'master' }
  | { kind: 'virtual'; active: ActiveKey }
  | { kind: 'admin'; active: ActiveKey; role: Role };
