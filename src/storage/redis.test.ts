import { afterAll, describe, expect, it } from 'vitest';
import { createRedisTestStore, redisAvailable, type RedisTestStore } from './testing/redis-test-store.js';
import { openRedis } from './redis.js';

const available = await redisAvailable();

describe.skipIf(!available)('Redis store (machine server)', () => {
  const stores: RedisTestStore[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.cleanup()));
  });

  it('connects, reports healthy and keeps test keys under a unique prefix that cleanup removes', async () => {
    const store = await createRedisTestStore();
    if (store === null) throw new Error('unreachable');
    stores.push(store);
    expect(store.healthy).toBe(true);
    await store.client.set(`${store.keyPrefix}a`, '1');
    await store.client.set(`${store.keyPrefix}b`, '2');
    await store.cleanup();
    const probe = openRedis('redis://127.0.0.1:6379', { keyPrefix: 'x:' });
    try {
      expect(await probe.client.exists(`${store.keyPrefix}a`, `${store.keyPrefix}b`)).toBe(0);
    } finally {
      await probe.close();
    }
  });
});

describe('Redis store against a dead server', () => {
  it('starts anyway, is unhealthy and fails commands fast instead of queueing them', async () => {
    const store = openRedis('redis://127.0.0.1:1', { keyPrefix: 'x:' });
    try {
      expect(store.healthy).toBe(false);
      const started = Date.now();
      await expect(store.ping()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await store.close();
    }
  });
});
