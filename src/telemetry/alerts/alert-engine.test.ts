import { describe, expect, it } from 'vitest';
import type { AlertEventRecord, AlertRepository } from '../../storage/alert-repository.js';
import type { TraceAnalytics } from '../../storage/trace-analytics.js';
import type { AlertCheck, CheckOutcome } from './alert-check.js';
import { createAlertEngine } from './alert-engine.js';

function memoryRepository(): AlertRepository & { events: AlertEventRecord[] } {
  const events: AlertEventRecord[] = [];
  return {
    events,
    saveRule: () => Promise.resolve(),
    deleteRule: () => Promise.resolve(false),
    listRules: () => Promise.resolve([]),
    appendEvent: (event) => Promise.resolve(void events.push(event)),
    history: () => Promise.resolve([...events].reverse()),
  };
}

const outcome = (instance: string, breached: boolean): CheckOutcome => ({
  instance,
  value: breached ? 3 : 0.5,
  threshold: 1,
  breached,
  requests: 40,
  describe: (state) => `${instance} ${state}`,
  details: { signals: ['language'] },
});

describe('alert engine checks with several instances', () => {
  it('keeps one state per instance, holds `for`, and resolves instances no longer reported', async () => {
    let clock = 0;
    let round: CheckOutcome[] = [];
    const check: AlertCheck = {
      name: 'route-drift',
      kind: 'drift',
      metric: 'drift',
      for: 1_000,
      severity: 'warning',
      webhooks: [],
      evaluate: () => Promise.resolve(round),
    };
    const repository = memoryRepository();
    const firing: [string, boolean][] = [];
    const engine = await createAlertEngine({
      analytics: {} as TraceAnalytics,
      repository,
      configRules: [],
      checks: [check],
      webhooks: [],
      intervalMs: 0,
      logger: { warn: () => undefined, error: () => undefined },
      onFiringChange: (rule, isFiring) => firing.push([rule, isFiring]),
      now: () => clock,
    });
    expect(engine.statuses()).toEqual([
      expect.objectContaining({ rule: 'route-drift', kind: 'drift', instance: null, state: 'inactive' }),
    ]);

    round = [outcome('model=support', true), outcome('model=chat', false)];
    await engine.evaluate();
    clock = 1_000;
    await engine.evaluate();
    expect(engine.statuses().map((status) => [status.instance, status.state])).toEqual([
      ['model=support', 'firing'],
      ['model=chat', 'inactive'],
    ]);
    expect(firing).toEqual([['route-drift/model=support', true]]);

    // The drifting route gets no more traffic: its alert resolves; the other is untouched.
    round = [outcome('model=chat', false)];
    clock = 2_000;
    await engine.evaluate();
    expect(repository.events.map((event) => [event.state, event.details.instance, event.message])).toEqual([
      ['pending', 'model=support', 'model=support pending'],
      ['firing', 'model=support', 'model=support firing'],
      ['resolved', 'model=support', 'model=support has no recent traffic to judge'],
    ]);
    expect(firing.at(-1)).toEqual(['route-drift/model=support', false]);
    expect(repository.events[1]!.details).toEqual({ instance: 'model=support', signals: ['language'] });
  });

  it('refuses an API rule named like a configured check', async () => {
    const engine = await createAlertEngine({
      analytics: {} as TraceAnalytics,
      repository: memoryRepository(),
      configRules: [],
      checks: [
        {
          name: 'route-drift',
          kind: 'drift',
          metric: 'drift',
          for: 0,
          severity: 'info',
          webhooks: [],
          evaluate: () => Promise.resolve([]),
        },
      ],
      webhooks: [],
      intervalMs: 0,
      logger: { warn: () => undefined, error: () => undefined },
    });
    await expect(
      engine.putRule({ name: 'route-drift', metric: 'cost', window: '1d', threshold: 1 }),
    ).rejects.toThrow(/defined in the config file/);
  });
});
