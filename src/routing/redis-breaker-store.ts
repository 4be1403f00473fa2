/**
 * Breaker trips shared through Redis (`storage.redis_url`): a local map answers every read, so the
 * request path never waits on Redis. A trip or close is applied locally at once, written to a hash
 * (`<prefix>routing:breakers`, field = target, value = open-until epoch ms) for replicas that start
 * later, and published on `<prefix>routing:breaker-events`, which every replica subscribes to on a
 * second connection. When Redis is down, breakers keep working per process (fail open to local state).
 */
import type { Redis } from 'ioredis';
import type { RedisStore } from '../storage/redis.js';
import type { BreakerStore } from './breaker-store.js';

interface BreakerMessage {
  key: string;
  /** Epoch ms; 0 = closed. */
  until: number;
}

export interface RedisBreakerStoreOptions {
  onError?: (error: Error) => void;
}

export interface RedisBreakerStore extends BreakerStore {
  /** Resolves once the subscription is active and the open trips are loaded. */
  ready: Promise<void>;
}

export function createRedisBreakerStore(
  redis: RedisStore,
  options: RedisBreakerStoreOptions = {},
): RedisBreakerStore {
  const trips = new Map<string, number>();
  const hashKey = `${redis.keyPrefix}routing:breakers`;
  const channel = `${redis.keyPrefix}routing:breaker-events`;
  const report = (error: unknown): void =>
    options.onError?.(error instanceof Error ? error : new Error(String(error)));
  const subscriber: Redis = redis.client.duplicate();
  subscriber.on('error', report);

  const apply = (message: BreakerMessage): void => {
    if (message.until > Date.now()) trips.set(message.key, message.until);
    else trips.delete(message.key);
  };
  subscriber.on('message', (_channel: string, text: string) => {
    const message = parseMessage(text);
    if (message !== undefined) apply(message);
  });

  const ready = (async () => {
    await subscriber.subscribe(channel);
    const stored = await redis.client.hgetall(hashKey);
    const now = Date.now();
    const expired: string[] = [];
    for (const [key, value] of Object.entries(stored)) {
      const until = Number(value);
      if (until > now) trips.set(key, until);
      else expired.push(key);
    }
    if (expired.length > 0) await redis.client.hdel(hashKey, ...expired);
  })();
  ready.catch(report);

  const publish = (message: BreakerMessage): void => {
    if (!redis.healthy) return;
    const write =
      message.until === 0
        ? redis.client.multi().hdel(hashKey, message.key)
        : redis.client.multi().hset(hashKey, message.key, String(message.until));
    write.publish(channel, JSON.stringify(message)).exec().catch(report);
  };

  return {
    kind: 'redis',
    ready,
    openUntil: (key) => trips.get(key) ?? 0,
    trip(key, until) {
      trips.set(key, until);
      publish({ key, until });
    },
    reset(key) {
      trips.delete(key);
      publish({ key, until: 0 });
    },
    async close() {
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    },
  };
}

function parseMessage(text: string): BreakerMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<BreakerMessage>;
    return typeof value.key === 'string' && typeof value.until === 'number'
      ? { key: value.key, until: value.until }
      : undefined;
  } catch {
    return undefined;
  }
}
