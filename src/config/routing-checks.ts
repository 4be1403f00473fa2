/**
 * Cross-field rules of the routing config that zod cannot express field by field, reported at load
 * with the path at fault: a model either has targets or routes to other models (one way), weights
 * that are all zero, references to models that do not exist, and cycles (a model that, through
 * fallbacks, splits, canaries or complexity routing, leads back to itself).
 */
import type { z } from 'zod';
import type { ModelConfig } from './schema.js';
import type { RoutingConfig } from './routing-schema.js';

interface RoutedConfig {
  models: ModelConfig[];
  routing: RoutingConfig;
}

type Path = (string | number)[];

/** Every model name a model refers to, with the config path of the reference. */
export function modelReferences(model: ModelConfig): { name: string; path: Path; kind: string }[] {
  const references: { name: string; path: Path; kind: string }[] = [];
  model.fallbacks?.forEach((name, index) =>
    references.push({ name, path: ['fallbacks', index], kind: 'fallback' }),
  );
  if (model.complexity !== undefined) {
    references.push({ name: model.complexity.small, path: ['complexity', 'small'], kind: 'complexity' });
    references.push({ name: model.complexity.large, path: ['complexity', 'large'], kind: 'complexity' });
  }
  model.split?.forEach((variant, index) =>
    references.push({ name: variant.model, path: ['split', index, 'model'], kind: 'split' }),
  );
  if (model.canary !== undefined) {
    references.push({ name: model.canary.baseline, path: ['canary', 'baseline'], kind: 'canary' });
    references.push({ name: model.canary.candidate, path: ['canary', 'candidate'], kind: 'canary' });
  }
  return references;
}

export function checkRouting(config: RoutedConfig, context: z.RefinementCtx): void {
  const byName = new Map(config.models.map((model) => [model.name, model]));
  const issue = (path: Path, message: string): void => context.addIssue({ code: 'custom', path, message });
  const known = (name: string): string | undefined => {
    if (name.endsWith('*'))
      return `"${name}": a fallback or variant must be a concrete model, not a wildcard`;
    return byName.has(name) ? undefined : `unknown model "${name}"`;
  };

  config.models.forEach((model, index) => {
    const at = (...path: Path): Path => ['models', index, ...path];
    const ways = [
      model.targets && 'targets',
      model.complexity && 'complexity',
      model.split && 'split',
      model.canary && 'canary',
    ].filter((way): way is string => typeof way === 'string');
    if (ways.length === 0) issue(at(), 'needs `targets`, or one of `complexity`, `split`, `canary`');
    if (ways.length > 1) issue(at(), `set only one of ${ways.join(', ')}`);
    if (model.strategy === 'weighted' && model.targets?.every((target) => target.weight === 0)) {
      issue(at('targets'), 'every target weight is 0: at least one must be positive');
    }
    if (model.split?.every((variant) => variant.weight === 0)) {
      issue(at('split'), 'every variant weight is 0: at least one must be positive');
    }
    for (const reference of modelReferences(model)) {
      const problem = known(reference.name);
      if (problem !== undefined) issue(at(...reference.path), problem);
      else if (reference.name === model.name)
        issue(at(...reference.path), `"${model.name}" refers to itself`);
    }
    if (model.shadow !== undefined) {
      const problem = known(model.shadow.model);
      const shadow = byName.get(model.shadow.model);
      if (problem !== undefined) issue(at('shadow', 'model'), problem);
      else if (shadow?.targets === undefined) {
        issue(at('shadow', 'model'), `shadow model "${model.shadow.model}" must have targets`);
      }
    }
  });
  config.routing.fallbacks.forEach((name, index) => {
    const problem = known(name);
    if (problem !== undefined) issue(['routing', 'fallbacks', index], problem);
  });
  reportCycles(config.models, byName, issue);
}

/** Depth-first search over model references; each cycle is reported once, at the edge that closes it. */
function reportCycles(
  models: ModelConfig[],
  byName: Map<string, ModelConfig>,
  issue: (path: Path, message: string) => void,
): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const indexOf = new Map(models.map((model, index) => [model.name, index]));
  const visit = (model: ModelConfig): void => {
    state.set(model.name, 'visiting');
    stack.push(model.name);
    for (const reference of modelReferences(model)) {
      const next = byName.get(reference.name);
      if (next === undefined || next === model) continue;
      const seen = state.get(next.name);
      if (seen === 'visiting') {
        const loop = [...stack.slice(stack.indexOf(next.name)), next.name].join(' → ');
        issue(
          ['models', indexOf.get(model.name) ?? 0, ...reference.path],
          `${reference.kind} cycle: ${loop}`,
        );
      } else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(model.name, 'done');
  };
  for (const model of models) if (!state.has(model.name)) visit(model);
}
