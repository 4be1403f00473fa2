/**
 * Resolve: the client's `model` → the configured route and its deployments. Exact names first, then
 * wildcard names (`openai/*`), longest prefix winning; the matched suffix fills `*` in target models.
 */
import type { ModelConfig } from '../config/schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ProviderAdapter } from '../providers/spec.js';
import type { RequestContext, ResolvedRoute } from './context.js';
import type { Stage } from './compose.js';

export interface ModelRouter {
  resolve(model: string): ResolvedRoute | undefined;
  /** Concrete (non-wildcard) model names, for `GET /v1/models`. */
  listModels(): ModelConfig[];
}

export function createModelRouter(
  models: readonly ModelConfig[],
  adapters: ReadonlyMap<string, ProviderAdapter>,
): ModelRouter {
  const exact = new Map<string, ResolvedRoute>();
  const wildcards: { prefix: string; model: ModelConfig }[] = [];
  const adapterFor = (id: string): ProviderAdapter => {
    const adapter = adapters.get(id);
    if (adapter === undefined) throw new Error(`model target names unknown provider "${id}"`);
    return adapter;
  };
  for (const model of models) {
    if (model.name.endsWith('*')) {
      wildcards.push({ prefix: model.name.slice(0, -1), model });
    } else {
      exact.set(model.name, {
        name: model.name,
        targets: model.targets.map((target) => ({
          adapter: adapterFor(target.provider),
          model: target.model,
        })),
      });
    }
  }
  wildcards.sort((a, b) => b.prefix.length - a.prefix.length);

  return {
    resolve(name) {
      const found = exact.get(name);
      if (found !== undefined) return found;
      for (const { prefix, model } of wildcards) {
        if (!name.startsWith(prefix) || name.length === prefix.length) continue;
        const suffix = name.slice(prefix.length);
        return {
          name: model.name,
          targets: model.targets.map((target) => ({
            adapter: adapterFor(target.provider),
            model: target.model.replace('*', suffix),
          })),
        };
      }
      return undefined;
    },
    listModels: () => models.filter((model) => !model.name.endsWith('*')),
  };
}

export const resolveRoute = (router: ModelRouter): Stage<RequestContext> =>
  async function resolveRoute(context, next) {
    const route = router.resolve(context.request.model);
    if (route === undefined) {
      throw new GatewayError(
        'model_not_found',
        `The model \`${context.request.model}\` does not exist or is not configured on this gateway. See GET /v1/models.`,
        { param: 'model', publicCode: 'model_not_found' },
      );
    }
    context.route = route;
    await next();
  };
