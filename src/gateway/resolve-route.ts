/**
 * Resolve: the client's `model` → a routing plan. Exact names first, then wildcard names (`openai/*`),
 * longest prefix winning; then the routing models on the way (complexity, A/B split, canary) choose a
 * target group, and the plan lists the fallbacks after it (src/routing/route-plan.ts).
 */
import type { ModelConfig } from '../config/schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import { RequestEstimate } from '../routing/request-estimate.js';
import { createRoutePlanner, type PlanInput, type RoutePlan } from '../routing/route-plan.js';
import { createRouteTable, type RouteNode } from '../routing/route-table.js';
import type { BreakerStore } from '../routing/breaker-store.js';
import type { BreakerListener, BreakerState } from '../routing/circuit-breaker.js';
import type { RoutingConfig } from '../config/routing-schema.js';
import type { ProviderAdapter } from '../providers/spec.js';
import type { RoutingTarget } from '../routing/target.js';
import type { ModelPrice } from '../config/schema.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import { describeRoutingHealth } from '../routing/routing-health.js';
import type { RequestContext } from './context.js';
import type { Stage } from './compose.js';

export interface ModelRouter {
  resolve(model: string): RouteNode | undefined;
  plan(node: RouteNode, input: PlanInput): RoutePlan;
  /** Concrete (non-wildcard) model names, for `GET /v1/models`. */
  listModels(): ModelConfig[];
  /** `GET /api/routing/health`. */
  health(): ReturnType<typeof describeRoutingHealth>;
  /** Every deployment's breaker state now (`provider/model` → state), for `/metrics` scrapes. */
  breakerStates(): Iterable<[deployment: string, state: BreakerState]>;
  /**
   * The deployments a request for `node` may end up on before fallbacks: a plain model's targets; for
   * a routing model (complexity, split, canary), every deployment of the table, as its choice is made
   * per request.
   */
  reachableTargets(node: RouteNode): readonly RoutingTarget[];
}

export interface ModelRouterOptions {
  models: readonly ModelConfig[];
  routing: RoutingConfig;
  adapters: ReadonlyMap<string, ProviderAdapter>;
  /** Where breaker trips live (in process, or shared through Redis). */
  breakers: BreakerStore;
  prices: PriceCatalog;
  /** Told of every breaker transition this process makes (`/metrics`). */
  onBreakerChange?: BreakerListener;
}

/** The router over the configured models: route table, planner and health, built once at start-up. */
export function createModelRouter(options: ModelRouterOptions): ModelRouter {
  const { models, prices } = options;
  const table = createRouteTable(
    models,
    options.routing,
    options.adapters,
    options.breakers,
    options.onBreakerChange,
  );
  const planner = createRoutePlanner(table, prices);
  const listed = models.filter((model) => !model.name.endsWith('*'));
  let allTargets: RoutingTarget[] | undefined;
  return {
    resolve: (name) => table.resolve(name),
    plan: (node, input) => planner.plan(node, input),
    listModels: () => listed,
    health: () => describeRoutingHealth(table),
    *breakerStates() {
      const now = Date.now();
      for (const target of table.targets()) {
        if (target.breaker.config.enabled) yield [target.key, target.breaker.state(now)];
      }
    },
    reachableTargets(node) {
      if (node.kind === 'group') return node.group.targets;
      allTargets ??= table.nodes().flatMap((each) => (each.kind === 'group' ? each.group.targets : []));
      return allTargets;
    },
  };
}

export const resolveRoute = (router: ModelRouter): Stage<RequestContext> =>
  async function resolveRoute(context, next) {
    routeTo(context, router, context.request.model);
    await next();
  };

/**
 * Plans the request's route to `model` (the requested one, or another chosen by a later stage such as
 * a guardrail fallback) and sets it on the context; an unknown model is a 404 naming it.
 */
export function routeTo(context: RequestContext, router: ModelRouter, model: string): void {
  const node = router.resolve(model);
  if (node === undefined) {
    throw new GatewayError(
      'model_not_found',
      `The model \`${model}\` does not exist or is not configured on this gateway. See GET /v1/models.`,
      { param: 'model', publicCode: 'model_not_found' },
    );
  }
  const routed =
    context.kind === 'chat'
      ? ({ kind: 'chat', request: context.request } as const)
      : ({ kind: 'embeddings', request: context.request } as const);
  const estimate = new RequestEstimate(routed);
  context.estimate = estimate;
  context.route = router.plan(node, { routed, estimate, user: context.request.user, now: Date.now() });
}

/**
 * The price a budget reservation assumes for a request to `model`, before routing has chosen a
 * deployment: the most expensive deployment it may reach (the reservation is settled with the real
 * cost afterwards, so over-reserving only delays admission near the limit, never overspends).
 */
export function reservationPrice(
  router: ModelRouter,
  prices: PriceCatalog,
  model: string,
): ModelPrice | undefined {
  const node = router.resolve(model);
  if (node === undefined) return undefined;
  let highest: ModelPrice | undefined;
  for (const target of router.reachableTargets(node)) {
    const price = prices.lookup(target.adapter.id, target.model);
    if (
      price !== undefined &&
      (highest === undefined || price.input + price.output > highest.input + highest.output)
    )
      highest = price;
  }
  return highest;
}
