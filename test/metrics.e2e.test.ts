/**
 * `GET /metrics` counts what the features do, not only requests: response-cache lookups by kind and
 * result, rate-limit refusals by kind, level, tenant and key, and each deployment's circuit breaker
 * (its state gauge and its transitions), driven through the real server and the mock upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chatBody, createTenantWithKey } from './helpers/admin-client.js';
import { masterKey, startStack, type Stack } from './helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    config: { cache: { policy: { mode: 'exact', ttl_seconds: 60 } } },
    models: [
      {
        name: 'guarded',
        targets: [
          { provider: 'up-openai', model: 'sick-model' },
          { provider: 'up-openai', model: 'healthy-model' },
        ],
        breaker: { min_requests: 2, error_rate: 0.5, cooldown_ms: 60_000, window_ms: 60_000 },
      },
    ],
  });
});
afterAll(() => stack.close());

async function scrape(): Promise<string> {
  const response = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${masterKey}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one sample, found by its name and exact label set as Prometheus prints it. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const rendered = Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .join(',');
  const line = text.split('\n').find((each) => each.startsWith(`${name}{${rendered}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/metrics', () => {
  it('counts exact cache hits and misses', async () => {
    const body = chatBody('gpt-4o-mini', {
      temperature: 0,
      messages: [{ role: 'user', content: 'cache me' }],
    });
    for (let index = 0; index < 3; index++) {
      const reply = await call(stack.url, 'POST', '/v1/chat/completions', { body });
      expect(reply.status).toBe(200);
    }
    const text = await scrape();
    expect(sample(text, 'gatehouse_cache_lookups_total', { kind: 'exact', result: 'miss' })).toBe(1);
    expect(sample(text, 'gatehouse_cache_lookups_total', { kind: 'exact', result: 'hit' })).toBe(2);
  });

  it('counts a rate-limit refusal by kind, level, tenant and key', async () => {
    const { key, keyId, tenantId } = await createTenantWithKey(stack.url, 'metered', { limits: { rpm: 1 } });
    const ask = () => call(stack.url, 'POST', '/v1/chat/completions', { key, body: chatBody('gpt-4o-mini') });
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(429);
    const text = await scrape();
    expect(
      sample(text, 'gatehouse_rate_limit_rejections_total', {
        kind: 'requests',
        level: 'key',
        tenant: tenantId,
        key: keyId,
      }),
    ).toBe(1);
  });

  it('shows an opened breaker per deployment, and its transition', async () => {
    stack.mock.faults.set('sick-model', [{ fault: 'status', status: 503 }]);
    const body = chatBody('guarded', { messages: [{ role: 'user', content: 'are you there?' }] });
    for (let index = 0; index < 2; index++) {
      // The no-store directive keeps the cache out of it: every call reaches the router.
      const response = await fetch(`${stack.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${masterKey}`,
          'content-type': 'application/json',
          'cache-control': 'no-cache, no-store',
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    }
    const text = await scrape();
    expect(sample(text, 'gatehouse_circuit_breaker_state', { deployment: 'up-openai/sick-model' })).toBe(2);
    expect(sample(text, 'gatehouse_circuit_breaker_state', { deployment: 'up-openai/healthy-model' })).toBe(
      0,
    );
    expect(
      sample(text, 'gatehouse_circuit_breaker_transitions_total', {
        deployment: 'up-openai/sick-model',
        state: 'open',
      }),
    ).toBe(1);
  });
});
