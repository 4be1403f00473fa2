import { afterEach, describe, expect, it } from 'vitest';
import type { LimitStore } from './limit-store.js';
import { createMemoryLimitStore } from './memory-limit-store.js';

let now = Date.parse('2025-06-01T12:00:00.000Z');
let store: LimitStore;
const open = () => (store = createMemoryLimitStore({ leaseMs: 60_000, now: () => now }));
afterEach(() => store.close());

const window = (limit: number, cost = 1) => ({ key: 'w', limit, cost });
const admit = (request: Partial<Parameters<LimitStore['admit']>[0]> = {}) =>
  store.admit({ leaseId: `lease-${Math.random()}`, windows: [], concurrency: [], budgets: [], ...request });

describe('memory limit store', () => {
  it('admits exactly the limit in a sliding minute and says when the oldest slot frees', async () => {
    open();
    for (let index = 0; index < 3; index += 1) {
      expect((await admit({ windows: [window(3)] })).admitted).toBe(true);
      now += 10_000;
    }
    // Requests at 0 s, 10 s and 20 s; at 30 s the first frees at 60 s.
    expect(await admit({ windows: [window(3)] })).toEqual({
      admitted: false,
      kind: 'window',
      index: 0,
      retryAfterMs: 30_000,
    });
    now += 30_000;
    expect((await admit({ windows: [window(3)] })).admitted).toBe(true);
  });

  it('counts nothing when one of several limits refuses', async () => {
    open();
    const refused = await admit({ windows: [window(10), { key: 'tight', limit: 1, cost: 2 }] });
    expect(refused).toMatchObject({ admitted: false, index: 1, retryAfterMs: null });
    const admitted = await admit({ windows: [window(10)] });
    expect(admitted).toMatchObject({ admitted: true, windows: [{ remaining: 9 }] });
  });

  it('reconciles a token estimate with the real usage', async () => {
    open();
    const first = await admit({ leaseId: 'a', windows: [window(100, 60)] });
    if (!first.admitted) throw new Error('refused');
    expect((await admit({ windows: [window(100, 60)] })).admitted).toBe(false);
    await store.settle({
      leaseId: 'a',
      second: first.second,
      windows: [{ key: 'w', delta: -40 }],
      concurrencyKeys: [],
      budgets: [],
    });
    expect((await admit({ windows: [window(100, 60)] })).admitted).toBe(true);
  });

  it('holds concurrency slots until settled, and frees them after the lease', async () => {
    open();
    const slot = { key: 'c', limit: 1 };
    expect((await admit({ leaseId: 'x', concurrency: [slot] })).admitted).toBe(true);
    expect(await admit({ concurrency: [slot] })).toMatchObject({ admitted: false, kind: 'concurrency' });
    now += 60_001;
    expect((await admit({ leaseId: 'y', concurrency: [slot] })).admitted).toBe(true);
    await store.settle({ leaseId: 'y', second: 0, windows: [], concurrencyKeys: ['c'], budgets: [] });
    expect((await admit({ concurrency: [slot] })).admitted).toBe(true);
  });

  it('reserves budget for in-flight calls and refuses until the period ends once spent', async () => {
    open();
    const periodEnd = now + 3_600_000;
    const budget = (reserve: number) => ({ key: 'b', max: 100, reserve, periodEnd });
    expect((await admit({ leaseId: 'one', budgets: [budget(60)] })).admitted).toBe(true);
    // 60 reserved: another 60 would pass 100 while the first is in flight.
    expect(await admit({ budgets: [budget(60)] })).toMatchObject({ admitted: false, retryAfterMs: 1000 });
    const spent = await store.settle({
      leaseId: 'one',
      second: 0,
      windows: [],
      concurrencyKeys: [],
      budgets: [{ key: 'b', reserve: 60, spend: 95, periodEnd }],
    });
    expect(spent).toEqual([95]);
    expect(await admit({ budgets: [budget(10)] })).toMatchObject({
      admitted: false,
      retryAfterMs: 3_600_000,
    });
  });
});
