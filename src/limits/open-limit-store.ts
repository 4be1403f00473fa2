/** Picks the limit store from `limits.store`: in-process, or Redis shared by every replica. */
import { ConfigError } from '../config/config-error.js';
import type { RedisStore } from '../storage/redis.js';
import type { LimitStore } from './limit-store.js';
import { createMemoryLimitStore } from './memory-limit-store.js';
import { createRedisLimitStore } from './redis-limit-store.js';

export function openLimitStore(
  setting: 'auto' | 'memory' | 'redis',
  redis: RedisStore | null,
  options: { leaseMs: number },
): LimitStore {
  if (setting === 'redis' && redis === null) {
    throw new ConfigError('limits.store is redis but no storage.redis_url (or REDIS_URL) is set');
  }
  if (setting === 'memory' || redis === null) return createMemoryLimitStore(options);
  return createRedisLimitStore(redis, options);
}
