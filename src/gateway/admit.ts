/**
 * Admit: the rate limits (requests, tokens, concurrency) and budgets of the key, its project and its
 * tenant, checked in one atomic step against the limit store. Refused requests get 429 with
 * `retry-after` (limiter.ts); admitted ones carry `x-ratelimit-*` headers and are settled by record
 * with their real usage and cost. A caller with no limits passes straight through.
 */
import type { ActiveKey, ApiKey, Project, Tenant } from '../tenancy/model.js';
import type { LimitLevel, LimitPlan, Limiter } from '../limits/limiter.js';
import type { ModelPrice } from '../config/schema.js';
import { countEmbeddingInputTokens, countRequestTokens } from '../usage/count-tokens.js';
import type { Stage } from './compose.js';
import type { RequestContext } from './context.js';

export interface AdmitOptions {
  limiter: Limiter;
  /** The price of the deployment a model name routes to first, for budget reservations. */
  priceOf(model: string): ModelPrice | undefined;
  /** Output tokens assumed when a request sets no max_tokens. */
  outputTokensEstimate: number;
}

export const admitRequest = (options: AdmitOptions): Stage<RequestContext> => {
  // Compiled once per loaded key: a key reload builds new ActiveKey objects, so plans follow changes.
  const plans = new WeakMap<ActiveKey, LimitPlan | null>();
  function planFor(active: ActiveKey): LimitPlan | null {
    let plan = plans.get(active);
    if (plan === undefined) {
      const tenantId = active.tenant.id;
      const level = (name: LimitLevel, governed: Tenant | Project | ApiKey) => ({
        level: name,
        id: governed.id,
        tenantId,
        limits: governed.limits,
        budgets: governed.budgets,
      });
      plan = options.limiter.compile([
        level('key', active.key),
        ...(active.project === null ? [] : [level('project', active.project)]),
        level('tenant', active.tenant),
      ]);
      plans.set(active, plan);
    }
    return plan;
  }

  return async function admitRequest(context, next) {
    const active = context.tenancy?.active;
    const plan = active === undefined || active === null ? null : planFor(active);
    if (plan === null) return next();
    const maxOutput =
      context.kind === 'chat'
        ? (context.request.max_completion_tokens ?? context.request.max_tokens ?? null)
        : 0;
    const ticket = await options.limiter.admit(plan, {
      model: context.request.model,
      user: typeof context.request.user === 'string' ? context.request.user : null,
      // Input counted with the tokenizer, plus the output the client capped (as Azure counts TPM).
      estimateTokens: () =>
        (context.kind === 'chat'
          ? countRequestTokens(context.request)
          : countEmbeddingInputTokens(context.request)) + (maxOutput ?? 0),
      estimateCost: (estimatedTokens) => {
        const price = options.priceOf(context.request.model);
        if (price === undefined) return 0;
        const outputTokens = maxOutput ?? options.outputTokensEstimate;
        const inputTokens = estimatedTokens - (maxOutput ?? 0);
        return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
      },
    });
    if (ticket === null) return next();
    context.responseHeaders = ticket.headers;
    const limiter = options.limiter;
    // A failed call with no usage consumed nothing upstream can bill: its estimate is refunded.
    context.settle = (trace) =>
      limiter.settle(ticket, trace.usage.totalTokens ?? (trace.status === 'ok' ? null : 0), trace.cost);
    return next();
  };
};
