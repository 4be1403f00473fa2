/**
 * A key's effective policy from its tenant, project and own overrides: the innermost level that sets
 * a value wins; model allow-lists intersect (each level that sets one must allow the model); default
 * metadata merges outward-in.
 */
import type { ApiKey, EffectivePolicy, Project, Tenant } from './model.js';

export function effectivePolicy(tenant: Tenant, project: Project | null, key: ApiKey): EffectivePolicy {
  const levels = project === null ? [tenant, key] : [tenant, project, key];
  let guardrailPolicy: string | null = null;
  let cachePolicy: string | null = null;
  let defaultMetadata: Record<string, string> = {};
  const allowedModelLists: string[][] = [];
  for (const level of levels) {
    guardrailPolicy = level.policy.guardrail_policy ?? guardrailPolicy;
    cachePolicy = level.policy.cache_policy ?? cachePolicy;
    if (level.policy.allowed_models !== undefined) allowedModelLists.push(level.policy.allowed_models);
    if (level.policy.default_metadata !== undefined)
      defaultMetadata = { ...defaultMetadata, ...level.policy.default_metadata };
  }
  if (key.allowedModels !== null) allowedModelLists.push(key.allowedModels);
  return {
    guardrailPolicy,
    cachePolicy,
    allowedModelLists,
    allowedPrompts: key.allowedPrompts,
    defaultMetadata,
  };
}

/** `gpt-4o` matches itself; `openai/*` matches any name starting with `openai/`; `*` matches all. */
export function modelAllowed(policy: EffectivePolicy, model: string): boolean {
  return policy.allowedModelLists.every((list) => list.some((pattern) => matches(pattern, model)));
}

function matches(pattern: string, model: string): boolean {
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : pattern === model;
}

/** A prompt name against the key's `allowed_prompts` (null: any prompt). Same patterns as models. */
export function promptAllowed(policy: EffectivePolicy, name: string): boolean {
  return policy.allowedPrompts === null || policy.allowedPrompts.some((pattern) => matches(pattern, name));
}
