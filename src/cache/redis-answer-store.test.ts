import { afterAll, describe, expect, it } from 'vitest';
import { createRedisTestStore } from '../storage/testing/redis-test-store.js';
import type { RedisStore } from '../storage/redis.js';
import type { CachedAnswer } from './answer-store.js';
import { answerKey } from './answer-store.js';
import { createRedisAnswerStore } from './redis-answer-store.js';

const redis = await createRedisTestStore();

const answer: CachedAnswer = {
  completion: {
    id: 'x',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Sunny.' }, finish_reason: 'stop' }],
  },
  createdAt: 5,
  origin: { provider: 'p', model: 'm', latencyMs: 100, cost: 0.001 },
};
const scope = (tenant: string, prompt: string | null = null) => ({
  tenant,
  project: 'default',
  route: 'fast',
  prompt,
});

describe.skipIf(redis === null)('redis answer store (real Redis, unique prefix)', () => {
  afterAll(() => redis?.cleanup());

  it('round-trips answers with an expiry', async () => {
    const store = createRedisAnswerStore(redis!);
    await store.set(answerKey(scope('acme'), 'h'), answer, 60_000);
    expect(await store.get(answerKey(scope('acme'), 'h'))).toEqual(answer);
    expect(await store.get(answerKey(scope('globex'), 'h'))).toBeUndefined();
    const ttl = await redis!.client.pttl(`${redis!.keyPrefix}cache:${answerKey(scope('acme'), 'h')}`);
    expect(ttl).toBeGreaterThan(55_000);
  });

  it('purges by tenant and by prompt, treating glob characters in names literally', async () => {
    const store = createRedisAnswerStore(redis!);
    await store.set(answerKey(scope('a*'), 'h'), answer, 60_000);
    await store.set(answerKey(scope('ab'), 'h'), answer, 60_000);
    await store.set(answerKey(scope('ab', 'support-bot'), 'h'), answer, 60_000);
    expect(await store.purge({ tenant: 'a*' })).toBe(1);
    expect(await store.get(answerKey(scope('ab'), 'h'))).toBeDefined();
    expect(await store.purge({ prompt: 'support-bot' })).toBe(1);
    expect(await store.get(answerKey(scope('ab'), 'h'))).toBeDefined();
  });

  it('fails at once while the connection is down (the cache then counts a miss)', async () => {
    const down: RedisStore = { ...redis!, healthy: false };
    await expect(createRedisAnswerStore(down).get('anything')).rejects.toThrow(/unavailable/);
  });
});
