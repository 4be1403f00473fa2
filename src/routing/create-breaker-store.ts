/** The breaker store for this process: shared through Redis when `storage.redis_url` is set, else in memory. */
import type { Logger } from 'pino';
import type { RedisStore } from '../storage/redis.js';
import type { BreakerStore } from './breaker-store.js';
import { createMemoryBreakerStore } from './memory-breaker-store.js';
import { createRedisBreakerStore } from './redis-breaker-store.js';

export function createBreakerStore(redis: RedisStore | null, logger: Logger): BreakerStore {
  if (redis === null) return createMemoryBreakerStore();
  let lastWarning = 0;
  return createRedisBreakerStore(redis, {
    // At most one warning a minute: during an outage every trip would otherwise log.
    onError: (error) => {
      const now = Date.now();
      if (now - lastWarning < 60_000) return;
      lastWarning = now;
      logger.warn({ error: error.message }, 'circuit breakers: Redis unavailable, sharing paused');
    },
  });
}
