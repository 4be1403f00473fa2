/**
 * Mock upstream behaviour common to every format, over raw fetch: credentials, malformed bodies,
 * unknown routes, latency, pacing, injected failures (status, error body, retry-after), broken
 * streams, seeded failure rates, request recording, and the Azure route rules.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream } from './server.js';
import type { MockUpstream, RecordedRequest } from './server.js';

let upstream: MockUpstream;
beforeAll(async () => {
  upstream = await startMockUpstream({ port: 0 });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.clearRequests());

const chat = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Tell me a long story about the sea, please.' }],
};
const bearer = { authorization: 'Bearer sk-mock', 'content-type': 'application/json' };

const post = (path: string, body: unknown, headers: Record<string, string> = bearer, server = upstream) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Reads a body to the end, returning the text received and whether the connection broke. */
async function readAll(response: Response): Promise<{ text: string; broken: boolean }> {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (let part = await reader?.read(); part !== undefined && !part.done; part = await reader?.read())
      text += decoder.decode(part.value as Uint8Array, { stream: true });
    return { text, broken: false };
  } catch {
    return { text, broken: true };
  }
}

describe('requests the mock refuses', () => {
  it('requires a bearer key on OpenAI routes', async () => {
    const response = await post('/v1/chat/completions', chat, { 'content-type': 'application/json' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining('API key') as string,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
  });

  it('answers malformed JSON and invalid bodies with 400 in the OpenAI shape', async () => {
    const malformed = await post('/v1/chat/completions', '{"model": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('JSON') as string },
    });
    const invalid = await post('/v1/chat/completions', { model: 'm', messages: [] });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: { message: expect.stringContaining('messages') as string },
    });
  });

  it('answers unknown routes with 404', async () => {
    expect((await post('/v1/nothing-here', chat)).status).toBe(404);
    expect((await fetch(`${upstream.url}/v1/chat/completions`, { headers: bearer })).status).toBe(404);
  });

  it('applies Azure rules: api-key, api-version, Azure error bodies, deployment as model', async () => {
    const path = '/openai/deployments/my-deployment/chat/completions';
    const noKey = await post(`${path}?api-version=2024-10-21`, chat, { 'content-type': 'application/json' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({
      error: { code: '401', message: expect.stringContaining('Access denied') as string },
    });
    const noVersion = await post(path, chat, { 'api-key': 'k' });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
    const ok = await post(`${path}?api-version=2024-10-21`, { messages: chat.messages }, { 'api-key': 'k' });
    expect(await ok.json()).toMatchObject({ model: 'my-deployment', object: 'chat.completion' });
    const embeddings = await post(
      '/openai/deployments/emb/embeddings?api-version=2024-10-21',
      { input: ['a'] },
      { 'api-key': 'k' },
    );
    expect(await embeddings.json()).toMatchObject({ model: 'emb', data: [{ index: 0 }] });
    const failed = await post(`${path}?api-version=2024-10-21`, chat, {
      'api-key': 'k',
      'x-mock-fail-status': '503',
    });
    expect(await failed.json()).toEqual({
      error: { code: '503', message: expect.stringContaining('[mock]') as string },
    });
  });
});

describe('behaviour controls', () => {
  it('waits x-mock-latency-ms before answering', async () => {
    const started = performance.now();
    await (await post('/v1/chat/completions', chat, { ...bearer, 'x-mock-latency-ms': '150' })).json();
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('paces streams by x-mock-tokens-per-second, sending headers first', async () => {
    const started = performance.now();
    const response = await post(
      '/v1/chat/completions',
      { ...chat, stream: true },
      { ...bearer, 'x-mock-tokens-per-second': '100' },
    );
    const headersAt = performance.now() - started;
    const { text } = await readAll(response);
    const total = performance.now() - started;
    // About 19 tokens at 100/s: ~190 ms for the body, while the headers came at once.
    expect(total).toBeGreaterThan(150);
    expect(headersAt).toBeLessThan(total / 2);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('fails with x-mock-fail-status and x-mock-fail-message; 429 adds retry-after', async () => {
    const failed = await post('/v1/chat/completions', chat, {
      ...bearer,
      'x-mock-fail-status': '400',
      'x-mock-fail-message': 'context too long',
    });
    expect(failed.status).toBe(400);
    expect(failed.headers.get('retry-after')).toBeNull();
    expect(await failed.json()).toEqual({
      error: { message: 'context too long', type: 'invalid_request_error', param: null, code: null },
    });
    const limited = await post('/v1/chat/completions', chat, { ...bearer, 'x-mock-fail-status': '429' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(
      (await post('/v1/chat/completions', chat, { ...bearer, 'x-mock-fail-status': '500' })).status,
    ).toBe(500);
  });

  it('breaks a stream after x-mock-cut-after-chunks events, without [DONE]', async () => {
    const response = await post(
      '/v1/chat/completions',
      { ...chat, stream: true },
      { ...bearer, 'x-mock-cut-after-chunks': '3' },
    );
    expect(response.status).toBe(200);
    const { text, broken } = await readAll(response);
    expect(broken).toBe(true);
    expect(text.split('\n\n').filter((event) => event.startsWith('data: '))).toHaveLength(3);
    expect(text).not.toContain('[DONE]');
    // The server keeps serving after dropping a connection.
    expect((await post('/v1/chat/completions', chat)).status).toBe(200);
  });

  it('answers with x-mock-reply', async () => {
    const body = (await (
      await post('/v1/chat/completions', chat, { ...bearer, 'x-mock-reply': 'Fixed answer.' })
    ).json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('Fixed answer.');
  });

  it('fails a seeded share of requests with failureStatus, the same way on every run', async () => {
    const pattern = async (): Promise<number[]> => {
      const server = await startMockUpstream({
        port: 0,
        failureRate: 0.5,
        failureStatus: 503,
        seed: 7,
        recordRequests: false,
      });
      try {
        const statuses: number[] = [];
        for (let index = 0; index < 12; index += 1)
          statuses.push((await post('/v1/chat/completions', chat, bearer, server)).status);
        expect(server.requests).toEqual([]);
        return statuses;
      } finally {
        await server.close();
      }
    };
    const first = await pattern();
    expect(new Set(first)).toEqual(new Set([200, 503]));
    expect(await pattern()).toEqual(first);
  });
});

describe('recorded requests', () => {
  it('are kept in order, served at GET /__mock/requests and cleared by DELETE', async () => {
    await post('/v1/chat/completions?trace=1', chat, { ...bearer, 'x-custom': 'yes' });
    await post('/v1/embeddings', '{broken');
    expect(upstream.requests.map((request) => request.path)).toEqual([
      '/v1/chat/completions',
      '/v1/embeddings',
    ]);
    const served = (await (await fetch(`${upstream.url}/__mock/requests`)).json()) as RecordedRequest[];
    expect(served[0]).toMatchObject({
      method: 'POST',
      query: { trace: '1' },
      headers: { 'x-custom': 'yes' },
      body: chat,
    });
    expect(served[1]?.body).toBe('{broken');
    expect((await fetch(`${upstream.url}/__mock/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(upstream.requests).toEqual([]);
  });
});
