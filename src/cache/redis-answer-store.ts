/**
 * The shared answer store on Redis: one string per answer (JSON, expiring with `PX`), under the
 * deployment's key prefix and `cache:`. Every replica reads what any replica stored. While the
 * connection is down, calls fail at once (the cache then counts a miss) instead of queueing.
 */
import type { RedisStore } from '../storage/redis.js';
import type { AnswerStore, CachedAnswer, PurgeFilter } from './answer-store.js';
import { purgePattern } from './answer-store.js';

export function createRedisAnswerStore(redis: RedisStore): AnswerStore {
  const prefix = `${redis.keyPrefix}cache:`;
  const { client } = redis;

  function available(): void {
    if (!redis.healthy) throw new Error('redis is unavailable');
  }

  return {
    kind: 'redis',
    async get(key) {
      available();
      const value = await client.get(prefix + key);
      return value === null ? undefined : (JSON.parse(value) as CachedAnswer);
    },
    async set(key, answer, ttlMs) {
      available();
      await client.set(prefix + key, JSON.stringify(answer), 'PX', ttlMs);
    },
    async purge(filter: PurgeFilter) {
      available();
      // SCAN, never KEYS: a purge must not stall a Redis that other replicas are using.
      const match = prefix.replace(/[*?[\]\\]/g, '\\$&') + purgePattern(filter);
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) deleted += await client.unlink(...keys);
      } while (cursor !== '0');
      return deleted;
    },
    usage: () => ({ entries: null, bytes: null }),
  };
}
