/**
 * The Redis limit store, shared by every replica: each admission and settlement is one Lua script
 * (redis-scripts.ts), run by SHA with a fallback to the source after a Redis restart. When the
 * connection is down it fails at once (no waiting on a dead server) with
 * `LimitStoreUnavailableError`, and the failure policy decides (failure-policy.ts).
 */
import { createHash } from 'node:crypto';
import type { RedisStore } from '../storage/redis.js';
import type {
  AdmissionRequest,
  AdmissionResult,
  LimitStore,
  Settlement,
  WindowState,
} from './limit-store.js';
import { LimitStoreUnavailableError } from './limit-store.js';
import { admitScript, settleScript } from './redis-scripts.js';

const refusalKinds = { 1: 'window', 2: 'concurrency', 3: 'budget' } as const;

export function createRedisLimitStore(redis: RedisStore, options: { leaseMs: number }): LimitStore {
  const prefix = redis.keyPrefix;
  const admitSha = sha1(admitScript);
  const settleSha = sha1(settleScript);

  async function run(
    script: string,
    sha: string,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    if (!redis.healthy) throw new LimitStoreUnavailableError('Redis is not connected');
    const prefixed = keys.map((key) => prefix + key);
    try {
      try {
        return await redis.client.evalsha(sha, prefixed.length, ...prefixed, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.client.eval(script, prefixed.length, ...prefixed, ...args);
      }
    } catch (error) {
      throw new LimitStoreUnavailableError(
        `Redis limit store failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  return {
    async admit(request: AdmissionRequest): Promise<AdmissionResult> {
      const keys = [
        ...request.windows.map((check) => check.key),
        ...request.concurrency.map((check) => check.key),
        ...request.budgets.map((check) => check.key),
      ];
      const args: (string | number)[] = [
        request.leaseId,
        request.windows.length,
        request.concurrency.length,
        request.budgets.length,
        options.leaseMs,
      ];
      for (const check of request.windows) args.push(check.limit, check.cost);
      for (const check of request.concurrency) args.push(check.limit);
      for (const check of request.budgets) args.push(check.max, check.reserve, check.periodEnd ?? 0);
      const reply = (await run(admitScript, admitSha, keys, args)) as number[];
      if (reply[0] === 0) {
        const retry = reply[3] ?? -1;
        return {
          admitted: false,
          kind: refusalKinds[(reply[1] ?? 1) as 1 | 2 | 3],
          index: (reply[2] ?? 1) - 1,
          retryAfterMs: retry < 0 ? null : retry,
        };
      }
      const windows: WindowState[] = [];
      for (let index = 2; index < reply.length; index += 2) {
        windows.push({ remaining: reply[index] ?? 0, resetMs: reply[index + 1] ?? 0 });
      }
      return { admitted: true, second: reply[1] ?? 0, windows };
    },

    async settle(settlement: Settlement): Promise<number[]> {
      const keys = [
        ...settlement.windows.map((window) => window.key),
        ...settlement.concurrencyKeys,
        ...settlement.budgets.map((budget) => budget.key),
      ];
      const args: (string | number)[] = [
        settlement.leaseId,
        settlement.second,
        settlement.windows.length,
        settlement.concurrencyKeys.length,
        settlement.budgets.length,
      ];
      for (const window of settlement.windows) args.push(Math.round(window.delta));
      for (const budget of settlement.budgets) args.push(budget.reserve, budget.spend, budget.periodEnd ?? 0);
      return (await run(settleScript, settleSha, keys, args)) as number[];
    },

    status: () => ({ store: 'redis', healthy: redis.healthy }),
    close: () => undefined,
  };
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
