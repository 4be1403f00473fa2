import { describe, expect, it } from 'vitest';
import type { CachedAnswer } from './answer-store.js';
import { answerKey } from './answer-store.js';
import { createMemoryAnswerStore } from './memory-answer-store.js';

const answer = (text: string): CachedAnswer => ({
  completion: {
    id: 'x',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  },
  createdAt: 0,
  origin: { provider: 'p', model: 'm', latencyMs: 100, cost: null },
});

const scope = (tenant: string, route = 'fast') => ({ tenant, project: 'default', route, prompt: null });

describe('memory answer store', () => {
  it('evicts the least recently used answers to stay within its byte bound', async () => {
    const store = createMemoryAnswerStore({ maxBytes: 2_500 });
    const text = 'x'.repeat(300);
    for (const name of ['a', 'b', 'c']) await store.set(name, answer(text), 60_000);
    expect(store.usage().entries).toBe(3);
    await store.get('a'); // a is now the most recently used
    await store.set('d', answer(text), 60_000);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('d')).toBeDefined();
    expect(store.usage().bytes).toBeLessThanOrEqual(2_500);
  });

  it('forgets answers once their time to live has passed', async () => {
    let now = 1_000;
    const store = createMemoryAnswerStore({ maxBytes: 100_000, now: () => now });
    await store.set('k', answer('hi'), 5_000);
    now += 4_999;
    expect(await store.get('k')).toBeDefined();
    now += 1;
    expect(await store.get('k')).toBeUndefined();
    expect(store.usage()).toEqual({ entries: 0, bytes: 0 });
  });

  it('purges by scope without touching tenants whose names look alike', async () => {
    const store = createMemoryAnswerStore({ maxBytes: 100_000 });
    await store.set(answerKey(scope('acme'), 'h1'), answer('1'), 60_000);
    await store.set(answerKey(scope('acme', 'slow'), 'h2'), answer('2'), 60_000);
    await store.set(answerKey(scope('acme:default'), 'h3'), answer('3'), 60_000);
    await store.set(answerKey(scope('acme*'), 'h4'), answer('4'), 60_000);
    expect(await store.purge({ tenant: 'acme', route: 'fast' })).toBe(1);
    expect(await store.purge({ tenant: 'acme' })).toBe(1);
    expect(store.usage().entries).toBe(2);
    expect(await store.purge({})).toBe(2);
  });
});
