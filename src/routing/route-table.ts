/**
 * The route table: every configured model as a route node, built once at start-up. A node is either a
 * target group (targets + strategy) or a routing model that picks another model per request
 * (complexity, A/B split, canary). Each node carries its resolved policy (the model's retry, timeout
 * and fallback settings laid over `routing`), its fallback chain and its shadow, and targets are
 * shared by `provider/model` so each deployment has one breaker and one set of statistics.
 * Wildcard models (`openai/*`) become target groups on first use, cached.
 */
import type { ModelConfig } from '../config/schema.js';
import type {
  BreakerConfig,
  ComplexityConfig,
  FallbackOnConfig,
  RetryConfig,
  RouteTimeoutsConfig,
  RoutingConfig,
} from '../config/routing-schema.js';
import type { ProviderAdapter } from '../providers/spec.js';
import type { SplitVariant } from './ab-split.js';
import type { BreakerStore } from './breaker-store.js';
import { Canary } from './canary.js';
import { CircuitBreaker, type BreakerListener } from './circuit-breaker.js';
import { ShadowSampler } from './shadow-sampler.js';
import { createTargetGroup } from './target.js';
import type { RoutingTarget, TargetGroup } from './target.js';
import { TargetStats } from './target-stats.js';
import { looksPinned } from './version-pinning.js';

export interface RoutePolicy {
  retry: RetryConfig;
  timeouts: RouteTimeoutsConfig;
  fallbackOn: FallbackOnConfig;
}

export interface ShadowRoute {
  group: TargetGroup;
  sampler: ShadowSampler;
  timeoutMs: number;
}

interface NodeBase {
  model: ModelConfig;
  policy: RoutePolicy;
  /** Model names tried after this one: its own fallbacks, then the global default chain. */
  fallbacks: string[];
  shadow: ShadowRoute | null;
}

export type RouteNode =
  | (NodeBase & { kind: 'group'; group: TargetGroup })
  | (NodeBase & {
      kind: 'complexity';
      config: ComplexityConfig;
      routed: { small: number; large: number; savedUsd: number };
    })
  | (NodeBase & { kind: 'split'; variants: SplitVariant[] })
  | (NodeBase & { kind: 'canary'; canary: Canary });

export interface RouteTable {
  /** The node serving `name`: an exact model, else the longest matching wildcard. */
  resolve(name: string): RouteNode | undefined;
  /** A configured model by name (fallbacks and variants are concrete names). */
  node(name: string): RouteNode | undefined;
  nodes(): RouteNode[];
  targets(): RoutingTarget[];
  readonly store: BreakerStore;
}

/** Wildcard resolutions cached at most this many; beyond, they are built per request. */
const maxCachedWildcards = 10_000;

export function createRouteTable(
  models: readonly ModelConfig[],
  routing: RoutingConfig,
  adapters: ReadonlyMap<string, ProviderAdapter>,
  store: BreakerStore,
  onBreakerChange?: BreakerListener,
): RouteTable {
  const targets = new Map<string, RoutingTarget>();
  const exact = new Map<string, RouteNode>();
  const wildcards: { prefix: string; model: ModelConfig }[] = [];
  const wildcardCache = new Map<string, RouteNode>();
  const now = Date.now();

  const targetFor = (
    config: NonNullable<ModelConfig['targets']>[number],
    model: string,
    breaker: BreakerConfig,
  ): RoutingTarget => {
    const key = `${config.provider}/${model}`;
    const existing = targets.get(key);
    if (existing !== undefined) return existing;
    const adapter = adapters.get(config.provider);
    if (adapter === undefined) throw new Error(`model target names unknown provider "${config.provider}"`);
    const target: RoutingTarget = {
      key,
      adapter,
      model,
      weight: config.weight,
      contextWindow: config.context_window,
      pinned: config.pinned ?? looksPinned(model),
      breaker: new CircuitBreaker(key, breaker, store, onBreakerChange),
      stats: new TargetStats({ rpm: config.rpm, tpm: config.tpm }),
    };
    targets.set(key, target);
    return target;
  };

  const groupOf = (model: ModelConfig, name: string, suffix?: string): TargetGroup => {
    const breaker = { ...routing.breaker, ...defined(model.breaker) };
    const members = (model.targets ?? []).map((config) =>
      targetFor(config, suffix === undefined ? config.model : config.model.replace('*', suffix), breaker),
    );
    return createTargetGroup(name, model.strategy, members);
  };

  const base = (model: ModelConfig): NodeBase => ({
    model,
    policy: {
      retry: { ...routing.retry, ...defined(model.retry) },
      timeouts: { ...routing.timeouts, ...defined(model.timeouts) },
      fallbackOn: { ...routing.fallback_on, ...defined(model.fallback_on) },
    },
    fallbacks: [...(model.fallbacks ?? []), ...routing.fallbacks].filter(
      (name, index, all) => name !== model.name && all.indexOf(name) === index,
    ),
    shadow: null,
  });

  for (const model of models) {
    if (model.name.endsWith('*')) {
      wildcards.push({ prefix: model.name.slice(0, -1), model });
      continue;
    }
    exact.set(model.name, buildNode(model, base(model), groupOf, now));
  }
  wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
  // Shadows point at other nodes' groups, so they are wired once every node exists.
  for (const node of exact.values()) {
    const shadow = node.model.shadow;
    const target = shadow === undefined ? undefined : exact.get(shadow.model);
    if (shadow !== undefined && target?.kind === 'group') {
      node.shadow = {
        group: target.group,
        sampler: new ShadowSampler(shadow.share),
        timeoutMs: shadow.timeout_ms,
      };
    }
  }

  return {
    store,
    node: (name) => exact.get(name),
    nodes: () => [...exact.values()],
    targets: () => [...targets.values()],
    resolve(name) {
      const found = exact.get(name) ?? wildcardCache.get(name);
      if (found !== undefined) return found;
      for (const { prefix, model } of wildcards) {
        if (!name.startsWith(prefix) || name.length === prefix.length) continue;
        const node: RouteNode = {
          ...base(model),
          kind: 'group',
          group: groupOf(model, model.name, name.slice(prefix.length)),
        };
        if (wildcardCache.size < maxCachedWildcards) wildcardCache.set(name, node);
        return node;
      }
      return undefined;
    },
  };
}

function buildNode(
  model: ModelConfig,
  base: NodeBase,
  groupOf: (model: ModelConfig, name: string) => TargetGroup,
  now: number,
): RouteNode {
  if (model.complexity !== undefined) {
    return {
      ...base,
      kind: 'complexity',
      config: model.complexity,
      routed: { small: 0, large: 0, savedUsd: 0 },
    };
  }
  if (model.split !== undefined) return { ...base, kind: 'split', variants: model.split };
  if (model.canary !== undefined) {
    return { ...base, kind: 'canary', canary: new Canary(model.name, model.canary, now) };
  }
  return { ...base, kind: 'group', group: groupOf(model, model.name) };
}

/** The fields of a per-model override that are set (so they do not blank out the global defaults). */
function defined<T extends object>(override: Partial<T> | undefined): Partial<T> {
  if (override === undefined) return {};
  const result: Partial<T> = {};
  for (const [key, value] of Object.entries(override) as [keyof T, T[keyof T]][]) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}
