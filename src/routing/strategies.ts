/**
 * Strategies: the order in which a group's available targets are tried. The first is the choice;
 * the others follow as in-group fallbacks in the same order.
 * - `ordered`: as configured.
 * - `weighted`: smooth weighted round-robin (nginx's): over any run of requests each target's share
 *   matches its weight within one request, with no bursts; then the rest by weight.
 * - `round-robin`: rotates the starting target.
 * - `least-latency`: lowest moving average time to answer first (a target with no data yet first, so
 *   it gets measured).
 * - `least-busy`: fewest requests in flight first.
 * - `lowest-cost`: cheapest for this request first: price × (estimated prompt tokens, expected output
 *   = `max_tokens` or 256); targets without a known price last.
 */
import type { RoutingTarget, TargetGroup } from './target.js';

export interface CostEstimator {
  /** USD this request would cost at `target`, or undefined when its price is unknown. */
  cost(target: RoutingTarget): number | undefined;
}

export function orderTargets(
  group: TargetGroup,
  available: RoutingTarget[],
  costs: CostEstimator,
): RoutingTarget[] {
  if (available.length <= 1) return available;
  switch (group.strategy) {
    case 'ordered':
      return available;
    case 'weighted':
      return weightedOrder(group, available);
    case 'round-robin': {
      const start = group.cursor++ % available.length;
      return [...available.slice(start), ...available.slice(0, start)];
    }
    case 'least-latency':
      return [...available].sort((a, b) => (a.stats.latencyMs ?? -1) - (b.stats.latencyMs ?? -1));
    case 'least-busy':
      return [...available].sort((a, b) => a.stats.inFlight - b.stats.inFlight);
    case 'lowest-cost': {
      const priced = available.map((target) => ({ target, cost: costs.cost(target) ?? Infinity }));
      priced.sort((a, b) => a.cost - b.cost);
      return priced.map(({ target }) => target);
    }
  }
}

function weightedOrder(group: TargetGroup, available: RoutingTarget[]): RoutingTarget[] {
  let total = 0;
  let chosen: RoutingTarget | undefined;
  let best = -Infinity;
  for (const target of available) {
    total += target.weight;
    const current = (group.currentWeights.get(target.key) ?? 0) + target.weight;
    group.currentWeights.set(target.key, current);
    if (target.weight > 0 && current > best) {
      best = current;
      chosen = target;
    }
  }
  if (chosen === undefined) return [...available].sort((a, b) => b.weight - a.weight);
  group.currentWeights.set(chosen.key, best - total);
  const rest = available.filter((target) => target !== chosen).sort((a, b) => b.weight - a.weight);
  return [chosen, ...rest];
}
