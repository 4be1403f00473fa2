/**
 * The key directory: every usable key in memory, by the SHA-256 of its secret, so authenticating a
 * request is one hash and one Map lookup — no database query on the data plane.
 *
 * Unknown, revoked and expired keys take the same path (hash, lookup, miss or expiry check), so the
 * response time does not tell them apart. Changes made through this replica's admin API apply at once;
 * other replicas hear of them on a Redis channel and reload within milliseconds. A periodic full reload
 * (`tenancy.key_sync_interval_ms`) covers messages missed while Redis was down.
 */
import type { Redis } from 'ioredis';
import type { RedisStore } from '../storage/redis.js';
import { effectivePolicy } from './effective-policy.js';
import { hashKey } from './key-material.js';
import type { ActiveKey } from './model.js';
import type { TenancyRepository } from './tenancy-repository.js';

export interface KeyDirectory {
  /** The active key for a presented secret, or null (unknown, revoked, or expired). */
  lookup(secret: string, now?: number): ActiveKey | null;
  /** Reloads from the store now, and tells the other replicas to do the same. */
  changed(): Promise<void>;
  /** Number of usable keys held. */
  readonly size: number;
  close(): Promise<void>;
}

export interface KeyDirectoryOptions {
  repository: TenancyRepository;
  redis: RedisStore | null;
  syncIntervalMs: number;
  logger: { warn(obj: object, msg: string): void };
}

export async function openKeyDirectory(options: KeyDirectoryOptions): Promise<KeyDirectory> {
  let byHash = new Map<string, ActiveKey>();
  let reloading: Promise<void> | null = null;
  let reloadAgain = false;

  async function load(): Promise<void> {
    const usable = await options.repository.loadUsableKeys();
    const next = new Map<string, ActiveKey>();
    for (const { key, hash, project, tenant } of usable) {
      next.set(hash, { key, project, tenant, policy: effectivePolicy(tenant, project, key) });
    }
    byHash = next;
  }

  /** Coalesces bursts of changes: at most one reload running and one queued. */
  function reload(): Promise<void> {
    if (reloading !== null) {
      reloadAgain = true;
      return reloading;
    }
    reloading = (async () => {
      try {
        do {
          reloadAgain = false;
          await load();
        } while (reloadAgain);
      } finally {
        reloading = null;
      }
    })();
    return reloading;
  }

  const reloadQuietly = () =>
    reload().catch((error: unknown) =>
      options.logger.warn({ error: String(error) }, 'key directory reload failed; keeping the last copy'),
    );

  await load();
  const timer = setInterval(() => void reloadQuietly(), options.syncIntervalMs);
  timer.unref();

  const channel = `${options.redis?.keyPrefix ?? ''}tenancy:changed`;
  let subscriber: Redis | null = null;
  if (options.redis !== null) {
    subscriber = options.redis.client.duplicate();
    subscriber.on('message', () => void reloadQuietly());
    // After a reconnect, messages sent meanwhile are lost: reload once to catch up.
    subscriber.on('ready', () => void reloadQuietly());
    subscriber.on('error', () => undefined);
    subscriber.subscribe(channel).catch((error: unknown) => {
      options.logger.warn({ error: String(error) }, 'key directory: cannot subscribe to changes yet');
    });
  }

  return {
    lookup(secret, now = Date.now()) {
      const active = byHash.get(hashKey(secret));
      if (active === undefined) return null;
      const expiresAt = active.key.expiresAt;
      return expiresAt !== null && expiresAt <= now ? null : active;
    },
    async changed() {
      await reload();
      if (options.redis === null) return;
      try {
        await options.redis.client.publish(channel, 'changed');
      } catch (error) {
        options.logger.warn(
          { error: String(error) },
          'cannot announce a key change on Redis; other replicas apply it at their next sync',
        );
      }
    },
    get size() {
      return byHash.size;
    },
    async close() {
      clearInterval(timer);
      subscriber?.disconnect();
      await reloading?.catch(() => undefined);
    },
  };
}
