/**
 * Breaker trips shared through the machine's Redis: two gateway processes are two stores on one key
 * prefix. A trip on one opens the target on the other without any per-request round trip; a replica
 * that starts later loads the open trips; a successful probe closes it everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedis } from '../storage/redis.js';
import type { RedisStore } from '../storage/redis.js';
import { createRedisTestStore, redisAvailable, redisTestUrl } from '../storage/testing/redis-test-store.js';
import type { RedisTestStore } from '../storage/testing/redis-test-store.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createRedisBreakerStore } from './redis-breaker-store.js';
import type { RedisBreakerStore } from './redis-breaker-store.js';

const config = { enabled: true, window_ms: 60_000, min_requests: 2, error_rate: 0.5, cooldown_ms: 60_000 };
const key = 'openai-main/gpt-4o-mini';

let redis: RedisTestStore | null;
let second: RedisStore | undefined;
const stores: RedisBreakerStore[] = [];

beforeAll(async () => {
  redis = await createRedisTestStore();
  if (redis !== null) second = openRedis(redisTestUrl, { keyPrefix: redis.keyPrefix });
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await second?.close();
  await redis?.cleanup();
});

async function until(check: () => boolean): Promise<void> {
  for (let tries = 0; tries < 100 && !check(); tries++)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

describe.runIf(await redisAvailable())('Redis breaker store', () => {
  it('shares trips and closes between two stores on one prefix, and with a late joiner', async () => {
    const first = createRedisBreakerStore(redis as RedisStore);
    const other = createRedisBreakerStore(second as RedisStore);
    stores.push(first, other);
    await Promise.all([first.ready, other.ready]);
    const here = new CircuitBreaker(key, config, first);
    const there = new CircuitBreaker(key, config, other);

    const now = Date.now();
    expect(here.recordFailure(now, 'pass')).toBe(false);
    expect(here.recordFailure(now, 'pass')).toBe(true);
    expect(here.state(now)).toBe('open');
    await until(() => there.state(Date.now()) === 'open');
    expect(there.state(Date.now())).toBe('open');
    expect(there.acquire(Date.now())).toBeNull();

    const late = createRedisBreakerStore(redis as RedisStore);
    stores.push(late);
    await late.ready;
    expect(late.openUntil(key)).toBeGreaterThan(Date.now());

    // Past the cool-down, a probe on the other replica succeeds and closes the breaker everywhere.
    const later = Date.now() + config.cooldown_ms + 1;
    expect(there.state(later)).toBe('half-open');
    expect(there.acquire(later)).toBe('probe');
    expect(there.acquire(later)).toBeNull();
    there.recordSuccess(later, 'probe');
    await until(() => here.state(Date.now()) === 'closed' && late.openUntil(key) === 0);
    expect(here.state(Date.now())).toBe('closed');
    expect(late.openUntil(key)).toBe(0);
  });
});
