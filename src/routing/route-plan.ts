/**
 * Plans one request: from the requested model's node down to a target group, through the routing
 * models on the way (complexity, A/B split, canary), each decision recorded with its reason; then the
 * fallback chain (the chosen model's fallbacks, those of the models it was reached through, the global
 * default), and whether the request is mirrored to a shadow. A plain target group with static
 * fallbacks and no shadow has one precomputed plan, reused by every request.
 */
import type { PriceCatalog } from '../usage/price-catalog.js';
import { chooseVariant } from './ab-split.js';
import type { Canary, CanaryArm } from './canary.js';
import { scoreComplexity } from './complexity.js';
import type { RequestEstimate, RoutedRequest } from './request-estimate.js';
import type { RouteNode, RoutePolicy, RouteTable, ShadowRoute } from './route-table.js';
import type { TargetGroup } from './target.js';

export interface RoutingDecision {
  kind: 'complexity' | 'split' | 'canary' | 'shadow';
  /** The routing model that decided. */
  model: string;
  /** The model it chose. */
  chose: string;
  reason: string;
  [detail: string]: unknown;
}

export interface CanaryAssignment {
  canary: Canary;
  arm: CanaryArm;
  /** The group whose outcome counts for the arm. */
  group: TargetGroup;
}

export interface RoutePlan {
  /** The configured model name the request matched. */
  name: string;
  /** Target groups in the order they are tried: the chosen model first, then its fallbacks. */
  chain: TargetGroup[];
  policy: RoutePolicy;
  decisions: readonly RoutingDecision[];
  /** Response headers reporting the decisions. */
  headers: Readonly<Record<string, string>>;
  /** Set when this request is mirrored. */
  shadow: ShadowRoute | null;
  canary: CanaryAssignment | null;
}

export interface PlanInput {
  routed: RoutedRequest;
  estimate: RequestEstimate;
  user: string | undefined;
  now: number;
}

const noDecisions: readonly RoutingDecision[] = Object.freeze([]);
const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

export function createRoutePlanner(table: RouteTable, prices: PriceCatalog) {
  const staticPlans = new WeakMap<RouteNode, RoutePlan>();

  const isStatic = (node: RouteNode): boolean =>
    node.kind === 'group' &&
    node.shadow === null &&
    node.fallbacks.every((name) => table.node(name)?.kind === 'group');

  /** Follows routing models down to a target group; `decide` records the choices on the way. */
  function descend(
    start: RouteNode,
    input: PlanInput,
    decide: ((decision: RoutingDecision, headers: Record<string, string>) => void) | null,
    visited: RouteNode[],
  ): { node: RouteNode & { kind: 'group' }; canary: CanaryAssignment | null } {
    let node = start;
    let canary: { canary: Canary; arm: CanaryArm } | null = null;
    for (;;) {
      visited.push(node);
      if (node.kind === 'group') {
        return { node, canary: canary === null ? null : { ...canary, group: node.group } };
      }
      let chose: string;
      if (node.kind === 'complexity') {
        chose = decideComplexity(node, input, decide);
      } else if (node.kind === 'split') {
        const choice = chooseVariant(node.model.name, node.variants, input.user);
        chose = choice.model;
        decide?.(
          {
            kind: 'split',
            model: node.model.name,
            chose,
            reason: choice.sticky ? 'sticky by user hash' : 'random (no user)',
          },
          { 'x-gatehouse-split': chose },
        );
      } else {
        const arm = node.canary.choose(input.now, input.user);
        const percent = node.canary.percent(input.now);
        chose = arm === 'candidate' ? node.canary.config.candidate : node.canary.config.baseline;
        if (decide !== null) canary = { canary: node.canary, arm };
        decide?.(
          {
            kind: 'canary',
            model: node.model.name,
            chose,
            reason: `${arm} at ${percent}% candidate share`,
            arm,
            percent,
          },
          { 'x-gatehouse-canary': arm },
        );
      }
      const next = table.node(chose);
      // Config checks guarantee every reference exists and no cycle; this guards a broken invariant.
      if (next === undefined || visited.includes(next))
        throw new Error(`routing: cannot resolve model "${chose}"`);
      node = next;
    }
  }

  function decideComplexity(
    node: RouteNode & { kind: 'complexity' },
    input: PlanInput,
    decide: ((decision: RoutingDecision, headers: Record<string, string>) => void) | null,
  ): string {
    const { config, routed: totals } = node;
    const verdict =
      input.routed.kind === 'chat'
        ? scoreComplexity(input.routed.request, config, () => input.estimate.promptTokens())
        : { tier: 'small' as const, score: 0, signals: ['not a chat request'] };
    const chose = verdict.tier === 'large' ? config.large : config.small;
    if (decide === null) return chose;
    const saving = verdict.tier === 'small' ? savingOverLarge(config.small, config.large, input) : 0;
    totals[verdict.tier]++;
    if (saving !== null) totals.savedUsd += saving;
    const reason = `score ${verdict.score} ${verdict.tier === 'large' ? '≥' : '<'} ${config.threshold}: ${
      verdict.signals.length === 0 ? 'no signals' : verdict.signals.join(', ')
    }`;
    const smallShare = totals.small / (totals.small + totals.large);
    decide(
      {
        kind: 'complexity',
        model: node.model.name,
        chose,
        reason,
        tier: verdict.tier,
        score: verdict.score,
        estimatedSavingUsd: saving,
      },
      {
        'x-gatehouse-complexity': verdict.tier,
        'x-gatehouse-complexity-reason': ascii(reason),
        'x-gatehouse-complexity-share': `small=${smallShare.toFixed(3)}, large=${(1 - smallShare).toFixed(3)}`,
        ...(saving === null ? {} : { 'x-gatehouse-estimated-saving-usd': saving.toFixed(8) }),
      },
    );
    return chose;
  }

  /** What this request saves on the small model's first target versus the large one's; null if unpriced. */
  function savingOverLarge(small: string, large: string, input: PlanInput): number | null {
    const smallNode = table.node(small);
    const largeNode = table.node(large);
    const smallTarget = smallNode?.kind === 'group' ? smallNode.group.targets[0] : undefined;
    const largeTarget = largeNode?.kind === 'group' ? largeNode.group.targets[0] : undefined;
    if (smallTarget === undefined || largeTarget === undefined) return null;
    const smallCost = input.estimate.cost(smallTarget, prices);
    const largeCost = input.estimate.cost(largeTarget, prices);
    if (smallCost === undefined || largeCost === undefined) return null;
    return Math.max(0, largeCost - smallCost);
  }

  function plan(entry: RouteNode, input: PlanInput): RoutePlan {
    const cached = staticPlans.get(entry);
    if (cached !== undefined) return cached;
    const decisions: RoutingDecision[] = [];
    const headers: Record<string, string> = {};
    const visited: RouteNode[] = [];
    const { node, canary } = descend(
      entry,
      input,
      (decision, decisionHeaders) => {
        decisions.push(decision);
        Object.assign(headers, decisionHeaders);
      },
      visited,
    );
    const chain = [node.group];
    // The chosen model's fallbacks first, then those of the models it was reached through.
    const fallbackNames = [...visited].reverse().flatMap((step) => step.fallbacks);
    for (const name of fallbackNames) {
      const fallback = table.node(name);
      if (fallback === undefined || visited.includes(fallback)) continue;
      const group = descend(fallback, input, null, []).node.group;
      if (!chain.includes(group)) chain.push(group);
    }
    let shadow: ShadowRoute | null = null;
    const shadowRoute = entry.shadow ?? node.shadow;
    if (shadowRoute !== null && shadowRoute.sampler.next()) {
      shadow = shadowRoute;
      decisions.push({
        kind: 'shadow',
        model: entry.model.name,
        chose: shadowRoute.group.name,
        reason: `mirrored (share ${shadowRoute.sampler.share})`,
      });
    }
    const result: RoutePlan = {
      name: entry.model.name,
      chain,
      policy: entry.policy,
      decisions: decisions.length === 0 ? noDecisions : decisions,
      headers: Object.keys(headers).length === 0 ? noHeaders : headers,
      shadow,
      canary,
    };
    if (isStatic(entry)) staticPlans.set(entry, result);
    return result;
  }

  return { plan };
}

export type RoutePlanner = ReturnType<typeof createRoutePlanner>;

/** Header values must be Latin-1; reasons use `≥` and may carry user-configured names. */
function ascii(text: string): string {
  return text
    .replace('≥', '>=')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 500);
}
