/**
 * The routing state as `GET /api/routing/health` reports it: every target with its breaker, load,
 * latency and limits, whether its model is pinned or a floating alias, and every model with its
 * strategy, fallbacks, and the live state of its canary, complexity routing, split and shadow.
 */
import type { RouteNode, RouteTable } from './route-table.js';

export function describeRoutingHealth(table: RouteTable, now = Date.now()) {
  const targets = table.targets().map((target) => ({
    key: target.key,
    provider: target.adapter.id,
    model: target.model,
    pinned: target.pinned,
    floatingAlias: !target.pinned,
    breaker: target.breaker.snapshot(now),
    ...target.stats.snapshot(now),
  }));
  return {
    breakerStore: table.store.kind,
    status: targets.some((target) => target.breaker.state !== 'closed') ? 'degraded' : 'ok',
    floatingAliases: targets.filter((target) => target.floatingAlias).map((target) => target.key),
    targets,
    models: table.nodes().map((node) => describeNode(node, now)),
  };
}

function describeNode(node: RouteNode, now: number) {
  const common = {
    name: node.model.name,
    kind: node.kind,
    fallbacks: node.fallbacks,
    ...(node.shadow === null
      ? {}
      : {
          shadow: {
            model: node.shadow.group.name,
            share: node.shadow.sampler.share,
            mirrored: node.shadow.sampler.mirrored,
            requests: node.shadow.sampler.seen,
          },
        }),
  };
  switch (node.kind) {
    case 'group':
      return {
        ...common,
        strategy: node.group.strategy,
        targets: node.group.targets.map((target) => target.key),
      };
    case 'complexity': {
      const { small, large, savedUsd } = node.routed;
      const total = small + large;
      return {
        ...common,
        complexity: {
          small: node.config.small,
          large: node.config.large,
          routed: { small, large },
          smallShare: total === 0 ? null : small / total,
          estimatedSavingUsd: savedUsd,
        },
      };
    }
    case 'split':
      return { ...common, split: node.variants };
    case 'canary': {
      const { baseline, candidate, ...progress } = node.canary.snapshot(now);
      return {
        ...common,
        canary: {
          stages: node.canary.config.stages,
          ...progress,
          baseline: { model: node.canary.config.baseline, ...baseline },
          candidate: { model: node.canary.config.candidate, ...candidate },
        },
      };
    }
  }
}
