/**
 * Redis dies mid-run (a server this test started on its own port, never the shared one): the data
 * plane keeps answering per `limits.failure_policy`, the outage is visible in /ready, and limits
 * apply again once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chatBody, createTenantWithKey } from './helpers/admin-client.js';
import { startOwnRedis, type OwnRedis } from './helpers/own-redis.js';
import { startStack, type Stack } from './helpers/stack.js';

interface Readiness {
  status: string;
  redis: { status: string };
  limits: { store: string; policy: string; healthy: boolean; failures: number; last_error: string | null };
}

describe('a Redis outage under the limit store', { timeout: 60_000 }, () => {
  let redis: OwnRedis;
  const stacks: Record<'open' | 'closed', { stack: Stack; key: string }> = {} as never;

  beforeAll(async () => {
    redis = await startOwnRedis();
    for (const policy of ['open', 'closed'] as const) {
      const stack = await startStack({
        storage: { redis_url: redis.url },
        config: { limits: { store: 'redis', failure_policy: `fail_${policy}` } },
      });
      const { key } = await createTenantWithKey(stack.url, policy, { limits: { rpm: 3 } });
      stacks[policy] = { stack, key };
    }
  });

  afterAll(async () => {
    await Promise.allSettled(Object.values(stacks).map(({ stack }) => stack.close()));
    await redis.kill();
  });

  async function statuses(policy: 'open' | 'closed', count: number): Promise<number[]> {
    const { stack, key } = stacks[policy];
    const result: number[] = [];
    for (let index = 0; index < count; index += 1) {
      result.push(
        (await call(stack.url, 'POST', '/v1/chat/completions', { key, body: chatBody('gpt-4o-mini') }))
          .status,
      );
    }
    return result;
  }

  it('limits, then the policy during the outage, then limits again', async () => {
    expect(await statuses('open', 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses('closed', 4)).toEqual([200, 200, 200, 429]);

    await redis.kill();

    // fail_open: answered, unlimited; fail_closed: refused with 503, never a crash or a hang.
    expect(await statuses('open', 5)).toEqual([200, 200, 200, 200, 200]);
    const { stack: closed, key: closedKey } = stacks.closed;
    const refused = await call<{ error: { code: string } }>(closed.url, 'POST', '/v1/chat/completions', {
      key: closedKey,
      body: chatBody('gpt-4o-mini'),
    });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('limits_unavailable');
    expect(refused.headers.get('retry-after')).toBe('1');

    const ready = await call<Readiness>(stacks.open.stack.url, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.redis.status).toBe('error');
    expect(ready.body.limits).toMatchObject({ store: 'redis', policy: 'fail_open', healthy: false });
    expect(ready.body.limits.failures).toBeGreaterThanOrEqual(5);
    expect(ready.body.limits.last_error).toBeTruthy();

    await redis.start();
    for (const policy of ['open', 'closed'] as const) {
      const deadline = Date.now() + 10_000;
      while (!(await call<Readiness>(stacks[policy].stack.url, 'GET', '/ready')).body.limits.healthy) {
        if (Date.now() > deadline) throw new Error(`${policy}: Redis not reconnected after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // The restarted Redis is empty: each key gets its 3 requests again, then 429.
    expect(await statuses('open', 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses('closed', 4)).toEqual([200, 200, 200, 429]);
  });
});
