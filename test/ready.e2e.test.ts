/** `/ready`: the store decides readiness; Redis, when configured, is reported next to it. */
import { afterEach, describe, expect, it } from 'vitest';
import { api, startStack, type Stack } from './helpers/stack.js';
import { redisAvailable, redisTestUrl } from '../src/storage/testing/redis-test-store.js';

interface Readiness {
  status: string;
  store: { status: string };
  redis: { status: string; error?: string };
}

const redisUp = await redisAvailable();
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('/ready', () => {
  it('says Redis is not configured when no redis_url is set', async () => {
    stack = await startStack();
    const { status, body } = await api<Readiness>(stack, '/ready');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ready',
      store: { status: 'ok' },
      redis: { status: 'not_configured' },
    });
  });

  it('reports an unreachable Redis without making the gateway unready', async () => {
    stack = await startStack({ storage: { redis_url: 'redis://127.0.0.1:1' } });
    const { status, body } = await api<Readiness>(stack, '/ready');
    expect(status).toBe(200);
    expect(body.redis.status).toBe('error');
    expect(body.redis.error).toBeTruthy();
  });

  it.skipIf(!redisUp)('reports a reachable Redis as ok', async () => {
    stack = await startStack({ storage: { redis_url: redisTestUrl } });
    const { body } = await api<Readiness>(stack, '/ready');
    expect(body.redis.status).toBe('ok');
  });
});
