/**
 * The one Redis connection a gateway process shares between its scale-out stores (rate limits,
 * budgets, cache, circuit-breaker state), opened when `storage.redis_url` / `REDIS_URL` is set
 * (ARCHITECTURE §1.2). Stores take a `RedisStore`, never a URL: they prefix every key with
 * `keyPrefix` and read `healthy` to apply their fail-open / fail-closed policy without waiting on a
 * dead server.
 */
import { Redis } from 'ioredis';

export interface RedisStore {
  client: Redis;
  /** Prepended to every key (`gatehouse:` by default), so deployments can share one Redis. */
  keyPrefix: string;
  /** False from a connection loss until the client is ready again. */
  readonly healthy: boolean;
  /** Resolves when PING answers; rejects otherwise (readiness checks). */
  ping(): Promise<void>;
  /** Quits gracefully (pending commands complete), or disconnects if that fails. */
  close(): Promise<void>;
}

export interface OpenRedisOptions {
  keyPrefix: string;
  logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Longest a command may take, connected or not, before it fails (default 500 ms). */
  commandTimeoutMs?: number;
}

/**
 * The process starts even if Redis is down (the stores' policy decides what that means) and the
 * client reconnects in the background with capped backoff. A command that takes longer than
 * `commandTimeoutMs` (slow server, or issued while disconnected) fails instead of waiting without bound.
 */
export function openRedis(url: string, options: OpenRedisOptions): RedisStore {
  const client = new Redis(url, {
    // No command waits longer than `commandTimeout` (ioredis applies it to every command, also while
    // reconnecting); stores check `healthy` first so that during an outage they apply their policy at once.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
  });
  let healthy = false;
  let wasHealthy = false;
  client.on('ready', () => {
    healthy = true;
    if (!wasHealthy) options.logger?.info({ redis: redact(url) }, 'redis connected');
    wasHealthy = true;
  });
  client.on('error', (error: Error) => {
    if (healthy) options.logger?.warn({ redis: redact(url), error: error.message }, 'redis connection error');
  });
  client.on('close', () => {
    if (healthy) options.logger?.warn({ redis: redact(url) }, 'redis connection lost; reconnecting');
    healthy = false;
  });
  return {
    client,
    keyPrefix: options.keyPrefix,
    get healthy() {
      return healthy;
    },
    async ping() {
      await client.ping();
    },
    async close() {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
