/**
 * The alert engine: evaluates every rule (from the config and from the API) on a schedule, keeps each
 * rule's state — inactive, pending (condition holding for less than `for`), firing, then resolved —
 * records every state change in the history, and notifies the rule's webhooks once per transition
 * (deduplicated: a firing alert is not re-sent each evaluation, only every `repeat_interval` if set).
 * Evaluation runs off the data plane, one round at a time; a failing store or webhook is logged and
 * the next round tries again.
 *
 * Besides metric rules, the engine runs checks that judge several instances at once (a drift monitor
 * judges each model or prompt): every instance has its own state, history entries and notifications,
 * and an instance a round no longer reports counts as back to normal.
 */
import { alertRuleSchema, type AlertRule } from '../../config/alert-rule.js';
import type { AlertRepository } from '../../storage/alert-repository.js';
import type { TraceAnalytics } from '../../storage/trace-analytics.js';
import { newSpanId } from '../ids.js';
import type { AlertCheck, CheckOutcome } from './alert-check.js';
import { metricRuleCheck } from './evaluate-rule.js';
import { sendWebhook, type AlertNotification, type WebhookTarget } from './notify-webhook.js';

export type AlertState = 'inactive' | 'pending' | 'firing';

export interface AlertStatus {
  rule: string;
  /** What kind of rule: `metric` (alert rules) or a check's kind (`drift`). */
  kind: string;
  /** The instance a check judged (`model=support`); null for metric rules. */
  instance: string | null;
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
  /** Checks from the config besides the rules (drift monitors); their names share the rules' namespace. */
  checks?: AlertCheck[];
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
  check: string;
  instance: string | null;
  state: AlertState;
  since: number | null;
  firingSince: number | null;
  lastNotifiedAt: number | null;
  last: CheckOutcome | null;
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
  const checks = options.checks ?? [];
  const configNames = new Set([...options.configRules, ...checks].map((rule) => rule.name));
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

  const stateKey = (check: string, instance: string | null) =>
    instance === null ? check : `${check}\u0000${instance}`;

  function stateOf(check: string, instance: string | null): RuleState {
    const key = stateKey(check, instance);
    let state = states.get(key);
    if (state === undefined) {
      state = newState(check, instance);
      states.set(key, state);
    }
    return state;
  }

  async function evaluateCheck(check: AlertCheck): Promise<void> {
    const at = now();
    const outcomes = await check.evaluate(at);
    const judged = new Set(outcomes.map((outcome) => outcome.instance));
    for (const outcome of outcomes) await advance(check, stateOf(check.name, outcome.instance), outcome, at);
    // Instances no longer reported (no recent traffic) are back to normal.
    for (const state of [...states.values()]) {
      if (state.check !== check.name || judged.has(state.instance) || state.state === 'inactive') continue;
      await advance(check, state, absentOutcome(state.instance), at);
    }
  }

  async function advance(
    check: AlertCheck,
    state: RuleState,
    result: CheckOutcome,
    at: number,
  ): Promise<void> {
    state.last = result;
    state.lastEvaluatedAt = at;
    if (result.breached) {
      if (state.state === 'inactive') {
        state.state = 'pending';
        state.since = at;
        await record(check, 'pending', result, at);
      }
      if (state.state === 'pending' && at - (state.since ?? at) >= check.for) {
        state.state = 'firing';
        state.since = at;
        state.firingSince = at;
        await record(check, 'firing', result, at);
        notify(check, 'firing', result, at, state);
        options.onFiringChange?.(stateLabel(check.name, result.instance), true);
      } else if (
        state.state === 'firing' &&
        check.repeat_interval !== undefined &&
        at - (state.lastNotifiedAt ?? at) >= check.repeat_interval
      ) {
        notify(check, 'firing', result, at, state);
      }
      return;
    }
    if (state.state === 'firing') {
      await record(check, 'resolved', result, at);
      notify(check, 'resolved', result, at, state);
      options.onFiringChange?.(stateLabel(check.name, result.instance), false);
    }
    state.state = 'inactive';
    state.since = null;
    state.firingSince = null;
  }

  async function record(
    check: AlertCheck,
    state: 'pending' | 'firing' | 'resolved',
    result: CheckOutcome,
    at: number,
  ): Promise<void> {
    await options.repository.appendEvent({
      // Time, then a sequence: pending and firing recorded in the same millisecond keep their order.
      id: `${at.toString(16).padStart(12, '0')}${(eventSequence++).toString(16).padStart(8, '0')}${newSpanId()}`,
      rule: check.name,
      state,
      value: result.value,
      threshold: result.threshold,
      at,
      message: result.describe(state),
      details: result.instance === null ? result.details : { instance: result.instance, ...result.details },
    });
  }

  function notify(
    check: AlertCheck,
    state: 'firing' | 'resolved',
    result: CheckOutcome,
    at: number,
    ruleState: RuleState,
  ): void {
    ruleState.lastNotifiedAt = at;
    const notification: AlertNotification = {
      rule: check.name,
      instance: result.instance,
      state,
      severity: check.severity,
      metric: check.metric,
      value: result.value,
      threshold: result.threshold,
      startedAt: ruleState.firingSince ?? at,
      at,
      message: result.describe(state),
      ...(check.kind === 'metric' ? {} : { details: result.details }),
    };
    for (const id of check.webhooks) {
      const target = webhooks.get(id);
      if (target === undefined) continue;
      sendWebhook(target, notification).catch((error: unknown) =>
        options.logger.error({ err: error, rule: check.name, webhook: id }, 'alert notification failed'),
      );
    }
  }

  async function round(): Promise<void> {
    for (const check of [
      ...allRules().map(({ rule }) => metricRuleCheck(options.analytics, rule)),
      ...checks,
    ]) {
      try {
        await evaluateCheck(check);
      } catch (error) {
        options.logger.error({ err: error, rule: check.name }, 'alert rule evaluation failed');
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
    states.delete(stateKey(name, null));
    return options.repository.deleteRule(name);
  }

  function status(state: RuleState, kind: string, origin: 'config' | 'api'): AlertStatus {
    return {
      rule: state.check,
      kind,
      instance: state.instance,
      state: state.state,
      since: state.since,
      lastValue: state.last?.value ?? null,
      lastThreshold: state.last?.threshold ?? null,
      lastEvaluatedAt: state.lastEvaluatedAt,
      origin,
    };
  }

  return {
    start() {
      if (timer !== null || options.intervalMs <= 0) return;
      timer = setInterval(() => void evaluate(), options.intervalMs);
      timer.unref();
    },
    evaluate,
    statuses: () => [
      ...allRules().map(({ rule, origin }) => status(stateOf(rule.name, null), 'metric', origin)),
      ...checks.flatMap((check) => {
        const instances = [...states.values()].filter((state) => state.check === check.name);
        // A check that judged nothing yet still shows, inactive (without keeping a state for it).
        return (instances.length === 0 ? [newState(check.name, null)] : instances).map((state) =>
          status(state, check.kind, 'config'),
        );
      }),
    ],
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

function newState(check: string, instance: string | null): RuleState {
  return {
    check,
    instance,
    state: 'inactive',
    since: null,
    firingSince: null,
    lastNotifiedAt: null,
    last: null,
    lastEvaluatedAt: null,
  };
}

/** How Prometheus names an alert: the rule, and the instance for checks that judge several. */
function stateLabel(check: string, instance: string | null): string {
  return instance === null ? check : `${check}/${instance}`;
}

function absentOutcome(instance: string | null): CheckOutcome {
  return {
    instance,
    value: null,
    threshold: null,
    breached: false,
    requests: 0,
    describe: () => `${instance ?? 'the group'} has no recent traffic to judge`,
    details: {},
  };
}
