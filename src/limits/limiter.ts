/**
 * The limiter: turns the limits and budgets that apply to a caller into one atomic admission against
 * the store, and its settlement afterwards. A caller's plan (keys, limits, labels) is compiled once
 * per loaded key; only the model and user parts are added per request. Refusals become 429s naming
 * the limit hit, with `retry-after`; an unreachable store follows the failure policy.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.js';
import { periodWindow } from './budget-periods.js';
import type { BudgetPeriod, BudgetSpec, LimitSpec, RateLimits } from './limit-spec.js';
import type {
  AdmissionRequest,
  BudgetCheck,
  ConcurrencyCheck,
  LimitStore,
  WindowCheck,
  WindowState,
} from './limit-store.js';
import { LimitStoreUnavailableError } from './limit-store.js';

export type LimitLevel = 'key' | 'project' | 'tenant';

/** One level a caller is governed at. */
export interface LimitLevelSpec {
  level: LimitLevel;
  id: string;
  /** The tenant the level belongs to (for budget events). */
  tenantId: string;
  limits: LimitSpec;
  budgets: readonly BudgetSpec[];
}

interface Rule {
  /** Counter key without the per-request part. */
  key: string;
  /** `key.rpm`, `project.models.gpt-4o.tpm`, `tenant.per_user.max_concurrent`… */
  name: string;
  limit: number;
  /** The level whose limit this is (what a refusal is counted against). */
  level: LimitLevel;
  perUser: boolean;
  model: string | null;
}

interface BudgetRule {
  key: string;
  name: string;
  level: LimitLevel;
  id: string;
  tenantId: string;
  period: BudgetPeriod;
  max: number;
  softThresholds: readonly number[];
}

/** A caller's limits, compiled once. */
export interface LimitPlan {
  /** Whose plan it is: the tenant, and the key when a key level is governed. */
  tenantId: string;
  keyId: string | null;
  requests: Rule[];
  tokens: Rule[];
  concurrency: Rule[];
  budgets: BudgetRule[];
}

export interface RequestFacts {
  model: string;
  user: string | null;
  /** Tokens the call will use, estimated before it; counted only when a token limit or a budget applies. */
  estimateTokens(): number;
  /** USD the call might cost (for budget reservations), given the token estimate. */
  estimateCost(estimatedTokens: number): number;
}

/** What an admitted request holds until it settles. */
export interface Ticket {
  leaseId: string;
  second: number;
  tokenWindows: { key: string; estimate: number }[];
  concurrencyKeys: string[];
  budgets: (BudgetRule & { counterKey: string; reserve: number; periodEnd: number | null })[];
  /** `x-ratelimit-*` headers for the response. */
  headers: Record<string, string>;
}

export interface BudgetEvent {
  level: LimitLevel;
  id: string;
  tenantId: string;
  period: BudgetPeriod;
  maxUsd: number;
  spentUsd: number;
  /** The fraction crossed (1 when the hard limit is reached). */
  threshold: number;
}

export interface LimiterStatus {
  store: 'memory' | 'redis';
  policy: FailurePolicy;
  healthy: boolean;
  /** Requests decided by the failure policy because the store could not answer. */
  failures: number;
  last_error: string | null;
}

export type FailurePolicy = 'fail_open' | 'fail_closed';

/** What refused a request: a requests or tokens window, concurrency, or a budget. */
export type RefusalKind = 'requests' | 'tokens' | 'concurrency' | 'budget';

/** A refused request, as counted in `/metrics` (ids, never a user). */
export interface Refusal {
  kind: RefusalKind;
  /** The level whose limit refused it. */
  level: LimitLevel;
  tenantId: string;
  keyId: string | null;
}

export interface Limiter {
  /** Null when nothing limits this caller (then admission costs nothing). */
  compile(levels: readonly LimitLevelSpec[]): LimitPlan | null;
  /** Null when admitted without a ticket (store down, fail_open). Throws 429 or 503 when refused. */
  admit(plan: LimitPlan, facts: RequestFacts): Promise<Ticket | null>;
  /** Never throws: a settlement that fails is logged and left to the leases' expiry. */
  settle(ticket: Ticket, totalTokens: number | null, costUsd: number | null): void;
  status(): LimiterStatus;
}

export interface LimiterOptions {
  store: LimitStore;
  policy: FailurePolicy;
  outputTokensEstimate: number;
  onBudgetEvent: (event: BudgetEvent) => void;
  /** Told of every refusal (`/metrics`); must not throw. */
  onRefusal?: (refusal: Refusal) => void;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

const nanos = 1_000_000_000;

export function createLimiter(options: LimiterOptions): Limiter {
  let failures = 0;
  let lastError: string | null = null;
  let failing = false;

  function storeFailed(error: LimitStoreUnavailableError): void {
    failures += 1;
    lastError = error.message;
    if (!failing) {
      failing = true;
      options.logger.warn(
        { error: error.message, policy: options.policy },
        `limit store unreachable: ${options.policy === 'fail_open' ? 'admitting requests without limits' : 'refusing requests'} until it returns`,
      );
    }
  }

  function storeAnswered(): void {
    if (!failing) return;
    failing = false;
    options.logger.info({ failures }, 'limit store reachable again: limits apply');
  }

  return {
    compile(levels) {
      const plan: LimitPlan = {
        tenantId: levels[0]?.tenantId ?? '',
        keyId: levels.find((each) => each.level === 'key')?.id ?? null,
        requests: [],
        tokens: [],
        concurrency: [],
        budgets: [],
      };
      for (const { level, id, tenantId, limits, budgets } of levels) {
        const base = `${level}:${id}`;
        addRules(plan, limits, `lim:${base}`, level, { level, perUser: false, model: null });
        if (limits.per_user !== undefined)
          addRules(plan, limits.per_user, `lim:${base}:user`, `${level}.per_user`, {
            level,
            perUser: true,
            model: null,
          });
        for (const [model, modelLimits] of Object.entries(limits.models ?? {})) {
          addRules(plan, modelLimits, `lim:${base}:model:${model}`, `${level}.models.${model}`, {
            level,
            perUser: false,
            model,
          });
        }
        for (const budget of budgets) {
          plan.budgets.push({
            key: `budget:${base}:${budget.period}`,
            name: `${level}.budget.${budget.period}`,
            level,
            id,
            tenantId,
            period: budget.period,
            max: Math.round(budget.max_usd * nanos),
            softThresholds: budget.soft_thresholds,
          });
        }
      }
      const empty =
        plan.requests.length + plan.tokens.length + plan.concurrency.length + plan.budgets.length === 0;
      return empty ? null : plan;
    },

    async admit(plan, facts) {
      const requestRules = applicable(plan.requests, facts);
      const tokenRules = applicable(plan.tokens, facts);
      const concurrencyRules = applicable(plan.concurrency, facts);
      const needsTokens = tokenRules.length > 0 || plan.budgets.length > 0;
      const estimatedTokens = needsTokens ? facts.estimateTokens() : 0;
      const now = Date.now();
      const reserve = plan.budgets.length === 0 ? 0 : Math.round(facts.estimateCost(estimatedTokens) * nanos);
      const budgets = plan.budgets.map((rule) => {
        const window = periodWindow(rule.period, now);
        return { ...rule, counterKey: `${rule.key}:${window.start}`, reserve, periodEnd: window.end };
      });
      const windows: WindowCheck[] = [
        ...requestRules.map((rule) => ({ key: counterKey(rule, facts), limit: rule.limit, cost: 1 })),
        ...tokenRules.map((rule) => ({
          key: counterKey(rule, facts),
          limit: rule.limit,
          cost: estimatedTokens,
        })),
      ];
      const concurrency: ConcurrencyCheck[] = concurrencyRules.map((rule) => ({
        key: counterKey(rule, facts),
        limit: rule.limit,
      }));
      const budgetChecks: BudgetCheck[] = budgets.map((budget) => ({
        key: budget.counterKey,
        max: budget.max,
        reserve: budget.reserve,
        periodEnd: budget.periodEnd,
      }));
      const request: AdmissionRequest = {
        leaseId: randomUUID(),
        windows,
        concurrency,
        budgets: budgetChecks,
      };

      let result;
      try {
        result = await options.store.admit(request);
        storeAnswered();
      } catch (error) {
        if (!(error instanceof LimitStoreUnavailableError)) throw error;
        storeFailed(error);
        if (options.policy === 'fail_open') return null;
        throw new GatewayError(
          'service_unavailable',
          'Rate limits and budgets cannot be checked right now (limit store unreachable; limits.failure_policy is fail_closed). Retry shortly.',
          { headers: { 'retry-after': '1' }, publicCode: 'limits_unavailable' },
        );
      }

      if (!result.admitted) {
        const rule =
          result.kind === 'window'
            ? [...requestRules, ...tokenRules][result.index]
            : result.kind === 'concurrency'
              ? concurrencyRules[result.index]
              : budgets[result.index];
        const tokens = result.kind === 'window' && result.index >= requestRules.length;
        options.onRefusal?.({
          kind: result.kind === 'window' ? (tokens ? 'tokens' : 'requests') : result.kind,
          level: rule?.level ?? 'key',
          tenantId: plan.tenantId,
          keyId: plan.keyId,
        });
        throw refusal(result.kind, rule, result.retryAfterMs, tokens);
      }

      return {
        leaseId: request.leaseId,
        second: result.second,
        tokenWindows: windows.slice(requestRules.length).map((window) => ({
          key: window.key,
          estimate: estimatedTokens,
        })),
        concurrencyKeys: concurrency.map((check) => check.key),
        budgets,
        headers: rateLimitHeaders(
          requestRules,
          tokenRules,
          result.windows.slice(0, requestRules.length),
          result.windows.slice(requestRules.length),
        ),
      };
    },

    settle(ticket, totalTokens, costUsd) {
      const spend = costUsd === null ? 0 : Math.round(costUsd * nanos);
      options.store
        .settle({
          leaseId: ticket.leaseId,
          second: ticket.second,
          windows: ticket.tokenWindows.map((window) => ({
            key: window.key,
            // Unknown usage keeps the estimate: better to over- than under-count.
            delta: totalTokens === null ? 0 : totalTokens - window.estimate,
          })),
          concurrencyKeys: ticket.concurrencyKeys,
          budgets: ticket.budgets.map((budget) => ({
            key: budget.counterKey,
            reserve: budget.reserve,
            spend,
            periodEnd: budget.periodEnd,
          })),
        })
        .then((spentAfter) => {
          ticket.budgets.forEach((budget, index) => {
            const after = spentAfter[index];
            if (after !== undefined) announceCrossings(budget, after - spend, after, options.onBudgetEvent);
          });
        })
        .catch((error: unknown) => {
          if (error instanceof LimitStoreUnavailableError) storeFailed(error);
          else options.logger.warn({ error: String(error) }, 'limit settlement failed');
        });
    },

    status() {
      const store = options.store.status();
      return {
        store: store.store,
        policy: options.policy,
        healthy: store.healthy,
        failures,
        last_error: lastError,
      };
    },
  };
}

function addRules(
  plan: LimitPlan,
  limits: RateLimits,
  key: string,
  name: string,
  scope: { level: LimitLevel; perUser: boolean; model: string | null },
): void {
  if (limits.rpm !== undefined)
    plan.requests.push({ key: `${key}:rpm`, name: `${name}.rpm`, limit: limits.rpm, ...scope });
  if (limits.tpm !== undefined)
    plan.tokens.push({ key: `${key}:tpm`, name: `${name}.tpm`, limit: limits.tpm, ...scope });
  if (limits.max_concurrent !== undefined)
    plan.concurrency.push({
      key: `${key}:concurrent`,
      name: `${name}.max_concurrent`,
      limit: limits.max_concurrent,
      ...scope,
    });
}

/** Per-user rules need a `user`; per-model rules only apply to their model. */
function applicable(rules: Rule[], facts: RequestFacts): Rule[] {
  if (rules.every((rule) => !rule.perUser && rule.model === null)) return rules;
  return rules.filter(
    (rule) => (!rule.perUser || facts.user !== null) && (rule.model === null || rule.model === facts.model),
  );
}

function counterKey(rule: Rule, facts: RequestFacts): string {
  return rule.perUser ? `${rule.key}:${facts.user ?? ''}` : rule.key;
}

function refusal(
  kind: 'window' | 'concurrency' | 'budget',
  rule: Rule | (BudgetRule & { periodEnd: number | null }) | undefined,
  retryAfterMs: number | null,
  tokens: boolean,
): GatewayError {
  const name = rule?.name ?? 'unknown';
  const headers: Record<string, string> = { 'x-gatehouse-limit': name };
  const retrySeconds = retryAfterMs === null ? null : Math.max(1, Math.ceil(retryAfterMs / 1000));
  if (retrySeconds !== null) headers['retry-after'] = String(retrySeconds);
  const wait = retrySeconds === null ? '' : ` Retry after ${retrySeconds} s.`;
  if (kind === 'budget') {
    const budget = rule as BudgetRule;
    return new GatewayError(
      'budget_exceeded',
      `Budget exceeded: ${name} allows $${(budget.max / nanos).toFixed(2)} per ${budget.period === 'total' ? 'lifetime' : budget.period} for ${budget.level} ${budget.id}.${wait}`,
      { headers, publicCode: 'budget_exceeded' },
    );
  }
  const limit = (rule as Rule | undefined)?.limit ?? 0;
  const unit =
    kind === 'concurrency' ? 'concurrent requests' : tokens ? 'tokens per minute' : 'requests per minute';
  const tooLarge = retryAfterMs === null && tokens ? ' This request alone needs more than the limit.' : '';
  return new GatewayError(
    'rate_limit_exceeded',
    `Rate limit exceeded: ${name} allows ${limit} ${unit}.${tooLarge}${wait}`,
    { headers, publicCode: 'rate_limit_exceeded' },
  );
}

/** OpenAI's header set, for the tightest request and token windows. */
function rateLimitHeaders(
  requestRules: Rule[],
  tokenRules: Rule[],
  requestStates: WindowState[],
  tokenStates: WindowState[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  addTightest(headers, 'requests', requestRules, requestStates);
  addTightest(headers, 'tokens', tokenRules, tokenStates);
  return headers;
}

function addTightest(
  headers: Record<string, string>,
  unit: string,
  rules: Rule[],
  states: WindowState[],
): void {
  let tightest = -1;
  states.forEach((state, index) => {
    if (tightest === -1 || state.remaining < (states[tightest]?.remaining ?? Infinity)) tightest = index;
  });
  const rule = rules[tightest];
  const state = states[tightest];
  if (rule === undefined || state === undefined) return;
  headers[`x-ratelimit-limit-${unit}`] = String(rule.limit);
  headers[`x-ratelimit-remaining-${unit}`] = String(state.remaining);
  headers[`x-ratelimit-reset-${unit}`] = `${Math.max(0, Math.ceil(state.resetMs / 1000))}s`;
}

function announceCrossings(
  budget: BudgetRule,
  before: number,
  after: number,
  emit: (event: BudgetEvent) => void,
): void {
  for (const threshold of [...budget.softThresholds, 1]) {
    const line = threshold * budget.max;
    if (before < line && after >= line) {
      emit({
        level: budget.level,
        id: budget.id,
        tenantId: budget.tenantId,
        period: budget.period,
        maxUsd: budget.max / nanos,
        spentUsd: after / nanos,
        threshold,
      });
    }
  }
}
