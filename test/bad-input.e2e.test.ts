/**
 * Bad input gets a precise OpenAI-style error, never a crash or a hung socket: malformed JSON, wrong
 * types, missing fields, unknown model, oversized and non-UTF-8 bodies, missing or wrong keys, and a
 * client that leaves mid-stream (the upstream call is aborted and the trace says `cancelled`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { api, masterKey, startStack } from './helpers/stack.js';
import type { Stack } from './helpers/stack.js';
import type { TraceRecord } from '../src/telemetry/model.js';
import OpenAI from 'openai';
import { startGatedUpstream } from './helpers/gated-upstream.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    config: { server: { host: '127.0.0.1', port: 0, body_limit_bytes: 64 * 1024 } },
  });
});
afterAll(() => stack?.close());

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
}

const chat = (body: unknown) => post('/v1/chat/completions', JSON.stringify(body));

describe('malformed requests', () => {
  it('rejects malformed JSON with the parser position', async () => {
    const { status, body } = await post('/v1/chat/completions', '{"model": "gpt-4o-mini", "messages": [');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    expect(body.error.message).toMatch(/not valid JSON/);
  });

  it('rejects invalid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}]}'),
    ]);
    const { status, body } = await post('/v1/chat/completions', bytes);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_encoding' });
  });

  it('names a missing required parameter', async () => {
    const { status, body } = await chat({ model: 'gpt-4o-mini' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ param: 'messages', code: 'missing_required_parameter' });
  });

  it('names the field with a wrong type', async () => {
    const { status, body } = await chat({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 'hot',
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ param: 'temperature', type: 'invalid_request_error' });
    const role = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'robot', content: 'hi' }] });
    expect(role.body.error.param).toBe('messages[0].role');
  });

  it('rejects a body that is not an object', async () => {
    const { status, body } = await post('/v1/chat/completions', '[1,2]');
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/JSON object/);
  });

  it('answers 404 model_not_found for an unknown model', async () => {
    const { status, body } = await chat({
      model: 'no-such-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('answers 413 above the body limit', async () => {
    const { status, body } = await chat({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
    });
    expect(status).toBe(413);
    expect(body.error.type).toBe('invalid_request_error');
  });

  it('answers 415 for a non-JSON content type', async () => {
    const { status, body } = await post('/v1/chat/completions', 'model=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(status).toBe(415);
    expect(body.error.message).toMatch(/application\/json/);
  });

  it('answers unknown routes with an OpenAI-style 404', async () => {
    const response = await fetch(`${stack.url}/v1/nothing-here`, {
      headers: { authorization: `Bearer ${masterKey}` },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
  });
});

describe('authentication', () => {
  it('requires the master key on data-plane and control-plane routes', async () => {
    for (const path of ['/v1/models', '/api/traces', '/ready']) {
      const missing = await fetch(`${stack.url}${path}`);
      expect(missing.status).toBe(401);
      const wrong = await fetch(`${stack.url}${path}`, { headers: { authorization: 'Bearer wrong-key' } });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    }
  });

  it('accepts x-api-key as Anthropic clients send it, and leaves /health open', async () => {
    expect((await fetch(`${stack.url}/v1/models`, { headers: { 'x-api-key': masterKey } })).status).toBe(200);
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
  });
});

describe('upstream failures', () => {
  it('maps upstream errors to the right status with the provider message', async () => {
    const failing = await startStack({
      providers: [
        {
          id: 'bad-request',
          type: 'openai',
          base_url: `${stack.mock.url}/v1`,
          api_key: 'k',
          headers: { 'x-mock-fail-status': '400', 'x-mock-fail-message': 'context too long' },
        },
        {
          id: 'rate-limited',
          type: 'openai',
          base_url: `${stack.mock.url}/v1`,
          api_key: 'k',
          headers: { 'x-mock-fail-status': '429' },
        },
        {
          id: 'broken',
          type: 'openai',
          base_url: `${stack.mock.url}/v1`,
          api_key: 'k',
          headers: { 'x-mock-fail-status': '500' },
        },
        { id: 'unreachable', type: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key: 'k' },
      ],
      models: [
        { name: 'm-400', targets: [{ provider: 'bad-request', model: 'gpt-4o-mini' }] },
        { name: 'm-429', targets: [{ provider: 'rate-limited', model: 'gpt-4o-mini' }] },
        { name: 'm-500', targets: [{ provider: 'broken', model: 'gpt-4o-mini' }] },
        { name: 'm-down', targets: [{ provider: 'unreachable', model: 'gpt-4o-mini' }] },
        {
          name: 'm-fallback',
          targets: [
            { provider: 'broken', model: 'gpt-4o-mini' },
            { provider: 'up-openai', model: 'gpt-4o-mini' },
          ],
        },
      ],
    });
    try {
      const call = async (model: string) => {
        const response = await fetch(`${failing.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
        });
        return {
          status: response.status,
          headers: response.headers,
          body: (await response.json()) as { error: { message: string } },
        };
      };
      const badRequest = await call('m-400');
      expect(badRequest.status).toBe(400);
      expect(badRequest.body.error.message).toContain('context too long');
      const limited = await call('m-429');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect((await call('m-500')).status).toBe(502);
      expect((await call('m-down')).status).toBe(502);

      const fallback = await call('m-fallback');
      expect(fallback.status).toBe(200);
      expect(fallback.headers.get('x-gatehouse-provider')).toBe('up-openai');
      const { body } = await api<{
        trace: TraceRecord;
        observations: { status: string; provider: string }[];
      }>(failing, `/api/traces/${fallback.headers.get('x-gatehouse-trace-id')}`);
      expect(body.observations.filter((o) => o.provider === 'broken').map((o) => o.status)).toEqual([
        'error',
      ]);
      expect(body.trace.status).toBe('ok');
    } finally {
      await failing.close();
    }
  });
});

describe('streams that break', () => {
  it('ends a stream cut by the upstream with an error event, and the trace says where it broke', async () => {
    const upstream = `${stack.mock.url}/v1`;
    const cut = await startStack({
      providers: [
        {
          id: 'cut',
          type: 'openai',
          base_url: upstream,
          api_key: 'k',
          headers: { 'x-mock-cut-after-chunks': '3' },
        },
        {
          id: 'cut-at-once',
          type: 'openai',
          base_url: upstream,
          api_key: 'k',
          headers: { 'x-mock-cut-after-chunks': '0' },
        },
      ],
      models: [
        { name: 'cut', targets: [{ provider: 'cut', model: 'gpt-4o-mini' }] },
        {
          name: 'cut-then-fallback',
          targets: [
            { provider: 'cut-at-once', model: 'gpt-4o-mini' },
            { provider: 'up-openai', model: 'gpt-4o-mini' },
          ],
        },
      ],
    });
    try {
      const client = new OpenAI({ baseURL: `${cut.url}/v1`, apiKey: masterKey, maxRetries: 0 });
      const { data: stream, response } = await client.chat.completions
        .create({
          model: 'cut',
          stream: true,
          messages: [{ role: 'user', content: 'a long enough answer to be cut into several pieces' }],
        })
        .withResponse();
      let received = '';
      const consume = async (): Promise<void> => {
        for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
      };
      await expect(consume()).rejects.toThrow(/stream broke after/);
      expect(received.length).toBeGreaterThan(0);
      const { body } = await api<{ trace: TraceRecord }>(
        cut,
        `/api/traces/${response.headers.get('x-gatehouse-trace-id')}`,
      );
      expect(body.trace.status).toBe('error');
      expect(body.trace.errorMessage).toMatch(/stream broke after \d+ chunks/);

      // Broken before its first chunk, the stream fails over to the next target, invisibly.
      let text = '';
      const fallback = await client.chat.completions.create({
        model: 'cut-then-fallback',
        stream: true,
        messages: [{ role: 'user', content: 'fall back please' }],
      });
      for await (const chunk of fallback) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toContain('fall back please');
    } finally {
      await cut.close();
    }
  });
});

describe('a client that disconnects mid-stream', () => {
  it('aborts the upstream request and records the trace as cancelled', async () => {
    const gated = await startGatedUpstream(10_000);
    const slow = await startStack({
      providers: [{ id: 'slow', type: 'openai', base_url: `${gated.url}/v1`, api_key: 'k' }],
      models: [{ name: 'slow', targets: [{ provider: 'slow', model: 'gpt-4o-mini' }] }],
    });
    try {
      const traceId = await new Promise<string>((resolve, reject) => {
        const request = httpRequest(`${slow.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        });
        request.on('response', (response) => {
          response.once('data', () => {
            request.destroy();
            resolve(String(response.headers['x-gatehouse-trace-id']));
          });
        });
        request.on('error', (error) =>
          error.message.includes('socket hang up') ? undefined : reject(error),
        );
        request.end(
          JSON.stringify({
            model: 'slow',
            stream: true,
            messages: [{ role: 'user', content: 'a long answer please '.repeat(30) }],
          }),
        );
      });
      let trace: TraceRecord | undefined;
      for (let attempt = 0; attempt < 50 && trace === undefined; attempt++) {
        const found = await api<{ trace: TraceRecord }>(slow, `/api/traces/${traceId}`);
        if (found.status === 200) trace = found.body.trace;
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(trace).toMatchObject({ status: 'cancelled', httpStatus: 499, stream: true });
      // The upstream saw its response abandoned long before the gate would have opened.
      await gated.abortedResponse;
      expect(gated.releasedByTimeout()).toBe(false);
      // The server is still healthy after the abrupt disconnect.
      expect((await fetch(`${slow.url}/health`)).status).toBe(200);
    } finally {
      await slow.close();
      await gated.close();
    }
  });
});
