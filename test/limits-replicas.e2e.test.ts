/**
 * Limits hold exactly across replicas: two gateways sharing the machine's Redis (a unique key prefix)
 * and one store, hammered concurrently from 50 connections split over both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedisTestStore,
  redisTestUrl,
  type RedisTestStore,
} from '../src/storage/testing/redis-test-store.js';
import { call, createTenantWithKey } from './helpers/admin-client.js';
import { startCountingUpstream, type CountingUpstream } from './helpers/counting-upstream.js';
import { hammer, startReplicas, type Replicas } from './helpers/replicas.js';

const redis = await createRedisTestStore();
const body = { model: 'counted', messages: [{ role: 'user', content: 'hi' }], max_tokens: 20 };

// Generous: the hammer is 1,000 real HTTP requests on a shared 2-core machine.
describe.skipIf(redis === null)('limits across two replicas sharing Redis', { timeout: 120_000 }, () => {
  let store: RedisTestStore;
  let upstream: CountingUpstream;
  let replicas: Replicas;

  beforeAll(async () => {
    store = redis as RedisTestStore;
    upstream = await startCountingUpstream({
      latencyMs: 40,
      usage: { prompt_tokens: 10, completion_tokens: 15 },
    });
    replicas = await startReplicas({
      count: 2,
      redisUrl: redisTestUrl,
      keyPrefix: store.keyPrefix,
      upstreamUrl: upstream.url,
      // $2,000 / $4,000 per million tokens: each call costs exactly 10 × 0.002 + 15 × 0.004 = $0.08.
      config: { pricing: { models: { 'counted-model': { input: 2000, output: 4000 } } } },
    });
  });

  afterAll(async () => {
    await replicas.close();
    await upstream.close();
    await store.cleanup();
  });

  it('admits exactly 100 of 1,000 requests on a key limited to 100 per minute', async () => {
    const { key } = await createTenantWithKey(replicas.urls[0] ?? '', 'rpm', { limits: { rpm: 100 } });
    const started = Date.now();
    const results = await hammer(replicas.urls, key, { total: 1000, connections: 50, body });
    const elapsedSeconds = (Date.now() - started) / 1000;

    const admitted = results.filter((result) => result.status === 200);
    const refused = results.filter((result) => result.status === 429);
    expect(admitted).toHaveLength(100);
    expect(refused).toHaveLength(900);
    for (const result of refused) {
      expect(result.code).toBe('rate_limit_exceeded');
      expect(result.limit).toBe('key.rpm');
      // Every admission happened during this run, so the first slot frees a minute after it began.
      const retryAfter = Number(result.retryAfter);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(retryAfter).toBeGreaterThanOrEqual(Math.floor(59 - elapsedSeconds));
    }
  });

  it('never lets more than 5 requests of a key run at once', async () => {
    const { key } = await createTenantWithKey(replicas.urls[1] ?? '', 'concurrency', {
      limits: { max_concurrent: 5 },
    });
    upstream.resetMaxInFlight();
    const results = await hammer(replicas.urls, key, { total: 300, connections: 50, body });
    const admitted = results.filter((result) => result.status === 200).length;
    expect(admitted).toBeGreaterThanOrEqual(5);
    expect(
      results
        .filter((result) => result.status === 429)
        .every((result) => result.limit === 'key.max_concurrent'),
    ).toBe(true);
    // Only this key's requests reach the upstream during this test.
    expect(upstream.maxInFlight).toBe(5);
  });

  it('keeps admitted tokens within a tokens-per-minute limit', async () => {
    const tpm = 2000;
    const { key } = await createTenantWithKey(replicas.urls[0] ?? '', 'tpm', { limits: { tpm } });
    const results = await hammer(replicas.urls, key, { total: 600, connections: 50, body });
    const admitted = results.filter((result) => result.status === 200);
    const tokens = admitted.reduce((sum, result) => sum + (result.totalTokens ?? 0), 0);
    // The estimate (input counted + max_tokens 20) is at least the real usage (25), so the
    // admitted tokens cannot pass the limit; and refusals only start once estimates fill it.
    expect(tokens).toBeLessThanOrEqual(tpm);
    expect(admitted.length).toBeGreaterThanOrEqual(Math.floor(tpm / 40));
    const refused = results.filter((result) => result.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((result) => result.limit === 'key.tpm')).toBe(true);
  });

  it('stops spend within one request of a $1.00 budget', async () => {
    const { key, keyId } = await createTenantWithKey(replicas.urls[0] ?? '', 'budget', {
      budgets: [{ period: 'total', max_usd: 1 }],
    });
    let admittedInLastWave = -1;
    let admittedTotal = 0;
    // Waves until one admits nothing: then nothing is in flight and spend alone refuses.
    for (let wave = 0; wave < 10 && admittedInLastWave !== 0; wave += 1) {
      const results = await hammer(replicas.urls, key, { total: 100, connections: 50, body });
      admittedInLastWave = results.filter((result) => result.status === 200).length;
      admittedTotal += admittedInLastWave;
      const refused = results.filter((result) => result.status === 429);
      expect(refused.every((result) => result.code === 'budget_exceeded')).toBe(true);
    }
    expect(admittedInLastWave).toBe(0);
    await Promise.all(replicas.gatehouses.map((gatehouse) => gatehouse.telemetry.flush()));
    const spend = await call<{ data: { group: string; spend_usd: number }[] }>(
      replicas.urls[1] ?? '',
      'GET',
      '/api/spend?group_by=key',
    );
    const spent = spend.body.data.find((row) => row.group === keyId)?.spend_usd ?? 0;
    // $0.08 a call: 12 calls ($0.96) fit; a 13th would pass $1.00.
    expect(spent).toBeCloseTo(admittedTotal * 0.08, 6);
    expect(spent).toBeLessThanOrEqual(1);
    expect(spent).toBeGreaterThan(1 - 0.1);
  });

  it('applies a revocation made on one replica on the other within a second', async () => {
    const [first, second] = replicas.urls as [string, string];
    const { key, keyId } = await createTenantWithKey(first, 'revocation');
    await waitFor(async () => (await call(second, 'GET', '/v1/models', { key })).status === 200, 1000);
    expect((await call(first, 'DELETE', `/api/keys/${keyId}`)).status).toBe(200);
    const revokedAt = Date.now();
    await waitFor(async () => (await call(second, 'GET', '/v1/models', { key })).status === 401, 1000);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });
});

async function waitFor(condition: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
