/**
 * A Redis store for one test run on the machine's real server (ARCHITECTURE §8): every key under a
 * unique prefix `gatehouse_test_<random>:`, deleted at the end. Never flushes the shared server.
 *
 * Unreachable server: in CI (`CI=true`) that is a failure, because CI must exercise the Redis paths;
 * on a developer machine it is a loud warning and the Redis tests are skipped.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { openRedis, redact, type RedisStore } from '../redis.js';

/** Override with GATEHOUSE_TEST_REDIS_URL. */
export const redisTestUrl = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisTestStore extends RedisStore {
  /** Deletes every key under this run's prefix and closes the connection. Safe to call twice. */
  cleanup(): Promise<void>;
}

let availability: Promise<boolean> | undefined;

/**
 * True when the server answers PING (checked once per process). When it does not: throws if
 * `CI=true`, otherwise warns on the console and returns false.
 */
export function redisAvailable(): Promise<boolean> {
  availability ??= probe();
  return availability;
}

/** A fresh key prefix on the test server, or null when Redis is unavailable outside CI. */
export async function createRedisTestStore(url = redisTestUrl): Promise<RedisTestStore | null> {
  if (!(await redisAvailable())) return null;
  const keyPrefix = `gatehouse_test_${randomBytes(6).toString('hex')}:`;
  const store = openRedis(url, { keyPrefix, commandTimeoutMs: 2_000 });
  await waitReady(store.client);
  let cleaned = false;
  return {
    client: store.client,
    keyPrefix,
    get healthy() {
      return store.healthy;
    },
    ping: () => store.ping(),
    close: () => store.close(),
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await deleteByPrefix(url, keyPrefix);
      await store.close();
    },
  };
}

/** Deletes every key starting with `prefix` (SCAN, never KEYS or FLUSHDB on a shared server). */
export async function deleteByPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

async function waitReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis test store: not ready after 3 s')), 3_000);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function probe(): Promise<boolean> {
  const client = new Redis(redisTestUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `Redis is not reachable at ${redact(redisTestUrl)} (${reason})`;
    if (process.env.CI === 'true')
      throw new Error(`${message}; CI must run the Redis tests`, { cause: error });
    console.warn(
      `\n!!! ${message}: SKIPPING the Redis tests. Start Redis or set GATEHOUSE_TEST_REDIS_URL.\n`,
    );
    return false;
  } finally {
    client.disconnect();
  }
}
