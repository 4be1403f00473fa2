/**
 * Scripted faults of the mock upstream, per target: what a fault-injection test relies on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream } from './server.js';
import type { MockUpstream } from './server.js';

let upstream: MockUpstream;
beforeAll(async () => {
  upstream = await startMockUpstream({ port: 0 });
});
afterAll(() => upstream.close());
beforeEach(async () => {
  upstream.clearRequests();
  await fetch(`${upstream.url}/__mock/faults`, { method: 'DELETE' });
});

const chat = (model: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  fetch(`${upstream.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
  });

const script = (target: string, steps: unknown[]) =>
  fetch(`${upstream.url}/__mock/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ target, steps }),
  });

describe('fault scripts', () => {
  it('play steps in order per target, the last one forever, and leave other targets alone', async () => {
    expect(
      (
        await script('primary', [
          { fault: 'status', status: 429, retry_after: 2, times: 2 },
          { fault: 'status', status: 503 },
        ])
      ).status,
    ).toBe(204);
    const first = await chat('primary');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect((await chat('primary')).status).toBe(429);
    expect((await chat('primary')).status).toBe(503);
    expect((await chat('primary')).status).toBe(503);
    expect((await chat('other')).status).toBe(200);
    expect(upstream.requests.map((request) => request.target)).toEqual([
      'primary',
      'primary',
      'primary',
      'primary',
      'other',
    ]);
    const times = upstream.requests.map((request) => request.receivedAt);
    expect(times.every((time, index) => index === 0 || time >= (times[index - 1] ?? 0))).toBe(true);
  });

  it('are keyed by x-mock-target before the model', async () => {
    await script('eu-account', [{ fault: 'status', status: 500 }]);
    expect((await chat('gpt-4o-mini', {}, { 'x-mock-target': 'eu-account' })).status).toBe(500);
    expect((await chat('gpt-4o-mini')).status).toBe(200);
  });

  it('reset the connection, hang until the client leaves, delay the first token, cut streams', async () => {
    await script('reset', [{ fault: 'reset' }]);
    await expect(chat('reset')).rejects.toThrow();

    await script('hang', [{ fault: 'hang' }]);
    const hung = await fetch(`${upstream.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'hang', messages: [{ role: 'user', content: 'hi' }] }),
      signal: AbortSignal.timeout(200),
    }).catch((error: unknown) => error);
    expect(hung).toBeInstanceOf(Error);

    await script('slow', [{ fault: 'slow_first_token', delay_ms: 150 }]);
    const started = performance.now();
    const slow = await chat('slow', { stream: true });
    expect(slow.status).toBe(200);
    const text = await slow.text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(text).toContain('[DONE]');

    await script('cut', [{ fault: 'cut', after_chunks: 2 }]);
    const cut = await chat('cut', { stream: true });
    const cutText = await cut.text().catch(() => 'broken');
    expect(cutText).not.toContain('[DONE]');
  });

  it('rejects an invalid script with a 400 naming the problem', async () => {
    const response = await script('x', [{ fault: 'explode' }]);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringContaining('invalid fault script') as string },
    });
  });

  it('force a hang, a reset, a slow first token or a retry-after with headers', async () => {
    const limited = await chat('m', {}, { 'x-mock-fail-status': '429', 'x-mock-retry-after': '3' });
    expect(limited.headers.get('retry-after')).toBe('3');
    await expect(chat('m', {}, { 'x-mock-fault': 'reset' })).rejects.toThrow();
  });
});
