/**
 * The alert engine: evaluates every rule (from the config and from the API) on a schedule, keeps each
 * rule's state — inactive, pending (condition holding for less than `for`), firing, then resolved —
 * records every state change in the history, and notifies the rule's webhooks once per transition
 * (deduplicated: a firing alert is not re-sent each evaluation, only every `repeat_interval` if set).
 * Evaluation runs off the data plane, one round at a time; a failing store or webhook is logged and
 * the next round tries again.
 */
import { alertRuleSchema, type AlertRule } from '../../config/alert-rule.js';
import type { AlertRepository } from '../../storage/alert-repository.js';
import type { TraceAnalytics } from '../../storage/trace-analytics.js';
import { newSpanId } from '../ids.js';
import { evaluateRule, type RuleEvaluation } from './evaluate-rule.js';
import { sendWebhook, type AlertNotification, type WebhookTarget } from './notify-webhook.js';

export type AlertState = 'inactive' | 'pending' | 'firing';

export interface AlertStatus {
  rule: string;
  state: AlertState;
  /** Epoch ms the current state began. */
  since: number | null;
  lastValue: number | null;
  lastThreshold: number | null;
  lastEvaluatedAt: number | null;
  origin: 'config' | 'api';
}

export interface AlertEngineOptions {
  analytics: TraceAnalytics;
  repository: AlertRepository;
  configRules: AlertRule[];
  webhooks: WebhookTarget[];
  intervalMs: number;
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Told when a rule starts or stops firing (Prometheus). */
  onFiringChange?: (rule: string, firing: boolean) => void;
  now?: () => number;
}

export interface AlertEngine {
  start(): void;
  /** Runs one evaluation round now (also what the timer calls). */
  evaluate(): Promise<void>;
  statuses(): AlertStatus[];
  rules(): { rule: AlertRule; origin: 'config' | 'api' }[];
  /** Validates, stores and starts evaluating an API rule; throws on an invalid or config-owned name. */
  putRule(input: unknown): Promise<AlertRule>;
  deleteRule(name: string): Promise<boolean>;
  stop(): Promise<void>;
}

interface RuleState {
  state: AlertState;
  since: number | null;
  firingSince: number | null;
  lastNotifiedAt: number | null;
  last: RuleEvaluation | null;
  lastEvaluatedAt: number | null;
}

export class AlertRuleError extends Error {
  override readonly name = 'AlertRuleError';
  constructor(
    message: string,
    readonly param: string | null,
  ) {
    super(message);
  }
}

export async function createAlertEngine(options: AlertEngineOptions): Promise<AlertEngine> {
  const now = options.now ?? Date.now;
  const webhooks = new Map(options.webhooks.map((webhook) => [webhook.id, webhook]));
  const configNames = new Set(options.configRules.map((rule) => rule.name));
  const apiRules = new Map<string, AlertRule>();
  for (const stored of await options.repository.listRules()) {
    const parsed = alertRuleSchema.safeParse(stored.definition);
    if (parsed.success && !configNames.has(parsed.data.name)) apiRules.set(parsed.data.name, parsed.data);
    else
      options.logger.warn(
        { rule: stored.name },
        'stored alert rule ignored: invalid or shadowed by the config',
      );
  }
  const states = new Map<string, RuleState>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let eventSequence = 0;

  function allRules(): { rule: AlertRule; origin: 'config' | 'api' }[] {
    return [
      ...options.configRules.map((rule) => ({ rule, origin: 'config' as const })),
      ...[...apiRules.values()].map((rule) => ({ rule, origin: 'api' as const })),
    ];
  }

  function stateOf(name: string): RuleState {
    let state = states.get(name);
    if (state === undefined) {
      state = {
        state: 'inactive',
        since: null,
        firingSince: null,
        lastNotifiedAt: null,
        last: null,
        lastEvaluatedAt: null,
      };
      states.set(name, state);
    }
    return state;
  }

  async function evaluateOne(rule: AlertRule): Promise<void> {
    const at = now();
    const result = await evaluateRule(options.analytics, rule, at);
    const state = stateOf(rule.name);
    state.last = result;
    state.lastEvaluatedAt = at;
    if (result.breached) {
      if (state.state === 'inactive') {
        state.state = 'pending';
        state.since = at;
        await record(rule, 'pending', result, at);
      }
      if (state.state === 'pending' && at - (state.since ?? at) >= rule.for) {
        state.state = 'firing';
        state.since = at;
        state.firingSince = at;
        await record(rule, 'firing', result, at);
        notify(rule, 'firing', result, at, state);
        options.onFiringChange?.(rule.name, true);
      } else if (
        state.state === 'firing' &&
        rule.repeat_interval !== undefined &&
        at - (state.lastNotifiedAt ?? at) >= rule.repeat_interval
      ) {
        notify(rule, 'firing', result, at, state);
      }
      return;
    }
    if (state.state === 'firing') {
      await record(rule, 'resolved', result, at);
      notify(rule, 'resolved', result, at, state);
      options.onFiringChange?.(rule.name, false);
    }
    state.state = 'inactive';
    state.since = null;
    state.firingSince = null;
  }

  function describe(
    rule: AlertRule,
    state: 'pending' | 'firing' | 'resolved',
    result: RuleEvaluation,
  ): string {
    const value = result.value === null ? 'no data' : Number(result.value.toPrecision(4));
    const threshold = result.threshold === null ? 'n/a' : Number(result.threshold.toPrecision(4));
    const verb = state === 'resolved' ? 'is back within' : 'breaches';
    return `${rule.metric} over ${rule.window / 1000}s = ${value} ${verb} ${rule.operator} ${threshold}`;
  }

  async function record(
    rule: AlertRule,
    state: 'pending' | 'firing' | 'resolved',
    result: RuleEvaluation,
    at: number,
  ): Promise<void> {
    await options.repository.appendEvent({
      // Time, then a sequence: pending and firing recorded in the same millisecond keep their order.
      id: `${at.toString(16).padStart(12, '0')}${(eventSequence++).toString(16).padStart(8, '0')}${newSpanId()}`,
      rule: rule.name,
      state,
      value: result.value,
      threshold: result.threshold,
      at,
      message: describe(rule, state, result),
      details: {
        metric: rule.metric,
        requests: result.requests,
        severity: rule.severity,
        filter: rule.filter,
      },
    });
  }

  function notify(
    rule: AlertRule,
    state: 'firing' | 'resolved',
    result: RuleEvaluation,
    at: number,
    ruleState: RuleState,
  ): void {
    ruleState.lastNotifiedAt = at;
    const notification: AlertNotification = {
      rule: rule.name,
      state,
      severity: rule.severity,
      metric: rule.metric,
      value: result.value,
      threshold: result.threshold,
      startedAt: ruleState.firingSince ?? at,
      at,
      message: describe(rule, state, result),
    };
    for (const id of rule.webhooks) {
      const target = webhooks.get(id);
      if (target === undefined) continue;
      sendWebhook(target, notification).catch((error: unknown) =>
        options.logger.error({ err: error, rule: rule.name, webhook: id }, 'alert notification failed'),
      );
    }
  }

  async function round(): Promise<void> {
    for (const { rule } of allRules()) {
      try {
        await evaluateOne(rule);
      } catch (error) {
        options.logger.error({ err: error, rule: rule.name }, 'alert rule evaluation failed');
      }
    }
  }

  function evaluate(): Promise<void> {
    // Rounds never overlap: a slow store makes the next tick wait for this one.
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  }

  async function putRule(input: unknown): Promise<AlertRule> {
    const parsed = alertRuleSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AlertRuleError(
        `Invalid alert rule: ${issue?.message ?? 'invalid'}`,
        issue === undefined ? null : issue.path.join('.'),
      );
    }
    const rule = parsed.data;
    if (configNames.has(rule.name)) {
      throw new AlertRuleError(`Rule "${rule.name}" is defined in the config file; change it there.`, 'name');
    }
    const unknown = rule.webhooks.find((id) => !webhooks.has(id));
    if (unknown !== undefined) throw new AlertRuleError(`Unknown webhook "${unknown}".`, 'webhooks');
    await options.repository.saveRule(rule.name, input);
    apiRules.set(rule.name, rule);
    return rule;
  }

  async function deleteRule(name: string): Promise<boolean> {
    if (configNames.has(name))
      throw new AlertRuleError(`Rule "${name}" is defined in the config file.`, 'name');
    apiRules.delete(name);
    states.delete(name);
    return options.repository.deleteRule(name);
  }

  return {
    start() {
      if (timer !== null || options.intervalMs <= 0) return;
      timer = setInterval(() => void evaluate(), options.intervalMs);
      timer.unref();
    },
    evaluate,
    statuses: () =>
      allRules().map(({ rule, origin }) => {
        const state = stateOf(rule.name);
        return {
          rule: rule.name,
          state: state.state,
          since: state.since,
          lastValue: state.last?.value ?? null,
          lastThreshold: state.last?.threshold ?? null,
          lastEvaluatedAt: state.lastEvaluatedAt,
          origin,
        };
      }),
    rules: allRules,
    putRule,
    deleteRule,
    async stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
