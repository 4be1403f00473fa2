/**
 * A routing target (one deployment: provider + upstream model) and a target group (the targets of one
 * configured model, with the strategy that orders them). Targets are shared by key (`provider/model`)
 * between the models that list them, so their breaker and statistics are one per deployment.
 */
import type { Strategy } from '../config/routing-schema.js';
import type { ProviderAdapter } from '../providers/spec.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { TargetStats } from './target-stats.js';

export interface RoutingTarget {
  /** `provider/model`: the key of its breaker and statistics. */
  key: string;
  adapter: ProviderAdapter;
  /** The model name at that provider. */
  model: string;
  /** Relative share under the `weighted` strategy. */
  weight: number;
  contextWindow: number | undefined;
  /** Whether `model` names an exact upstream version (not a floating alias). */
  pinned: boolean;
  breaker: CircuitBreaker;
  stats: TargetStats;
}

export interface TargetGroup {
  /** The configured model name these targets serve. */
  name: string;
  strategy: Strategy;
  targets: RoutingTarget[];
  /** Strategy state: the round-robin cursor and the smooth weighted round-robin weights. */
  cursor: number;
  currentWeights: Map<string, number>;
}

export function createTargetGroup(name: string, strategy: Strategy, targets: RoutingTarget[]): TargetGroup {
  return { name, strategy, targets, cursor: 0, currentWeights: new Map() };
}
