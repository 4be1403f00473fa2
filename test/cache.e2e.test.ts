/**
 * The response cache through the real server and the official `openai` SDK: an identical request is
 * answered from the cache (the upstream sees one call), streamed or not; a paraphrase is answered by
 * the semantic cache; `Cache-Control` and purges are honoured; a broken stream is never stored; the
 * lookup is recorded in the trace; and on Redis a second replica serves what the first stored.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { api, masterKey, startStack } from './helpers/stack.js';
import type { Stack } from './helpers/stack.js';
import type { ObservationRecord, TraceRecord } from '../src/telemetry/model.js';
import type { CacheStats } from '../src/cache/response-cache.js';
import {
  createRedisTestStore,
  deleteByPrefix,
  redisTestUrl,
} from '../src/storage/testing/redis-test-store.js';

const question = {
  model: 'gpt-4o-mini',
  temperature: 0,
  messages: [
    { role: 'system' as const, content: 'You answer in one sentence.' },
    { role: 'user' as const, content: "What's the weather in NYC?" },
  ],
};

async function chat(stack: Stack, body: object, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function upstreamChatCalls(stack: Stack): number {
  return stack.mock.requests.filter((request) => request.path === '/v1/chat/completions').length;
}

async function purgeAll(stack: Stack): Promise<void> {
  const response = await fetch(`${stack.url}/api/cache`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${masterKey}` },
  });
  expect(response.status).toBe(200);
}

describe('exact cache', () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startStack({
      config: { cache: { policy: { mode: 'exact', ttl_seconds: 60 } } },
      providers: (mockUrl) => [
        {
          id: 'up-cut',
          type: 'openai',
          base_url: `${mockUrl}/v1`,
          api_key: 'sk-upstream-openai',
          headers: { 'x-mock-cut-after-chunks': '2' },
        },
      ],
      models: [{ name: 'gpt-4o-mini-cut', targets: [{ provider: 'up-cut', model: 'gpt-4o-mini' }] }],
    });
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    await purgeAll(stack);
    stack.mock.clearRequests();
  });

  it('drops the answers cached behind a prompt when its label moves', async () => {
    const admin = async (method: string, path: string, body: object) => {
      const response = await fetch(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
        body: JSON.stringify(body),
      });
      expect(response.status).toBeLessThan(300);
    };
    const prompt = (template: string) => ({
      name: 'faq',
      template: [{ role: 'system', content: template }],
      config: { model: 'gpt-4o-mini', temperature: 0 },
      labels: ['production'],
    });
    const ask = { model: 'prompt:faq', messages: [{ role: 'user', content: 'Opening hours?' }] };
    await admin('POST', '/api/prompts', prompt('Answer about the shop.'));
    expect((await chat(stack, ask)).headers.get('x-gatehouse-cache')).toBe('miss');
    expect((await chat(stack, ask)).headers.get('x-gatehouse-cache')).toBe('hit');
    // v2 takes production, then production goes back to v1: v1's rendered request is the same as
    // before, so only the purge on each move can make the next call a miss.
    await admin('POST', '/api/prompts', prompt('Answer about the shop, politely.'));
    await admin('PUT', '/api/prompts/faq/labels/production', { version: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50)); // purges run off the request path
    expect((await chat(stack, ask)).headers.get('x-gatehouse-cache')).toBe('miss');
    expect(upstreamChatCalls(stack)).toBe(2);
  });

  it('answers the second identical request from the cache; the upstream sees one call', async () => {
    const first = await chat(stack, question);
    const second = await chat(stack, { ...question, user: 'someone-else', metadata: { run: '2' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-gatehouse-cache')).toBe('miss');
    expect(second.headers.get('x-gatehouse-cache')).toBe('hit');
    expect(JSON.parse(second.text)).toEqual(JSON.parse(first.text));
    const served = (await (await fetch(`${stack.mock.url}/__mock/requests`)).json()) as { path: string }[];
    expect(served.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(1);
  });

  it('treats a change of message, parameter or tool as another request', async () => {
    await chat(stack, question);
    await chat(stack, { ...question, max_tokens: 5 });
    await chat(stack, {
      ...question,
      messages: [...question.messages, { role: 'user', content: 'and tomorrow?' }],
    });
    await chat(stack, {
      ...question,
      tools: [{ type: 'function', function: { name: 'forecast', parameters: { type: 'object' } } }],
    });
    expect(upstreamChatCalls(stack)).toBe(4);
  });

  it('caches only temperature-0 requests by default', async () => {
    const sampled = { ...question, temperature: 0.7 };
    const first = await chat(stack, sampled);
    await chat(stack, sampled);
    expect(first.headers.get('x-gatehouse-cache')).toBeNull();
    expect(upstreamChatCalls(stack)).toBe(2);
  });

  it('replays a cached answer to a streamed request as a well-formed SSE stream', async () => {
    const plain = await client.chat.completions.create(question);
    const stream = await client.chat.completions.create({
      ...question,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(finish).toBe('stop');
    expect(usage).toEqual(plain.usage);
    expect(upstreamChatCalls(stack)).toBe(1);

    const raw = await chat(stack, { ...question, stream: true });
    expect(raw.headers.get('x-gatehouse-cache')).toBe('hit');
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(raw.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    // Without include_usage the client gets no usage chunk, as from a live stream.
    expect(raw.text).not.toContain('"usage"');
  });

  it('stores a streamed answer once it completed, and serves it to a plain request', async () => {
    const stream = await client.chat.completions.create({ ...question, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const plain = await chat(stack, question);
    expect(plain.headers.get('x-gatehouse-cache')).toBe('hit');
    expect((JSON.parse(plain.text) as OpenAI.ChatCompletion).choices[0]?.message.content).toBe(text);
    expect(upstreamChatCalls(stack)).toBe(1);
  });

  it('serves Anthropic Messages clients from the same cache, streamed as Anthropic events', async () => {
    const body = {
      model: 'claude-haiku',
      max_tokens: 64,
      temperature: 0,
      stream: true,
      messages: [{ role: 'user', content: 'Name a colour.' }],
    };
    const send = () =>
      fetch(`${stack.url}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': masterKey,
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify(body),
      });
    const first = await send();
    const firstText = await first.text();
    const second = await send();
    const secondText = await second.text();
    expect(first.headers.get('x-gatehouse-cache')).toBe('miss');
    expect(second.headers.get('x-gatehouse-cache')).toBe('hit');
    expect(secondText).toContain('event: message_stop');
    const text = (events: string) =>
      [...events.matchAll(/"text_delta","text":"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]).join('');
    expect(text(firstText)).not.toBe('');
    expect(text(secondText)).toBe(text(firstText));
    expect(stack.mock.requests.filter((request) => request.path === '/v1/messages')).toHaveLength(1);
  });

  it('never stores a stream that broke', async () => {
    const broken = { ...question, stream: true, messages: [{ role: 'user', content: 'break please' }] };
    // `gpt-4o-mini-cut` goes to a provider whose upstream cuts every stream after two chunks.
    const first = await fetch(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
      body: JSON.stringify({ ...broken, model: 'gpt-4o-mini-cut' }),
    });
    const firstText = await first.text();
    expect(firstText).toContain('"error"');
    const second = await chat(stack, { ...broken, model: 'gpt-4o-mini-cut' });
    expect(second.headers.get('x-gatehouse-cache')).toBe('miss');
    expect(upstreamChatCalls(stack)).toBe(2);
  });

  it('honours Cache-Control no-cache, no-store and max-age', async () => {
    await chat(stack, question);
    const skipped = await chat(stack, question, { 'cache-control': 'no-cache' });
    expect(skipped.headers.get('x-gatehouse-cache')).toBe('miss');
    expect(upstreamChatCalls(stack)).toBe(2);
    // no-cache still stored the fresh answer; max-age=0 refuses anything but a brand-new one.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const tooOld = await chat(stack, question, { 'cache-control': 'max-age=0' });
    expect(tooOld.headers.get('x-gatehouse-cache')).toBe('miss');
    const recent = await chat(stack, question, { 'cache-control': 'max-age=60' });
    expect(recent.headers.get('x-gatehouse-cache')).toBe('hit');
    expect(upstreamChatCalls(stack)).toBe(3);

    const other = { ...question, messages: [{ role: 'user', content: 'do not keep this' }] };
    await chat(stack, other, { 'cache-control': 'no-store' });
    expect((await chat(stack, other)).headers.get('x-gatehouse-cache')).toBe('miss');
  });

  it('purges by route through DELETE /api/cache and counts hits in /api/cache/stats', async () => {
    await chat(stack, question);
    await chat(stack, question);
    const before = await api<CacheStats>(stack, '/api/cache/stats');
    expect(before.body.hits).toBeGreaterThanOrEqual(1);
    expect(before.body.saved.cost_usd).toBeGreaterThan(0);
    const purge = await fetch(`${stack.url}/api/cache?route=gpt-4o-mini`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${masterKey}` },
    });
    expect(await purge.json()).toMatchObject({ deleted: 1 });
    expect((await chat(stack, question)).headers.get('x-gatehouse-cache')).toBe('miss');
    const bad = await fetch(`${stack.url}/api/cache?colour=red`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${masterKey}` },
    });
    expect(bad.status).toBe(400);
  });

  it('records the lookup in the trace, with the hit and what it saved', async () => {
    await chat(stack, question);
    const hit = await chat(stack, question);
    const traceId = hit.headers.get('x-gatehouse-trace-id')!;
    const { body } = await api<{ trace: TraceRecord; observations: ObservationRecord[] }>(
      stack,
      `/api/traces/${traceId}`,
    );
    const lookup = body.observations.find((observation) => observation.name === 'cache.lookup');
    expect(lookup?.attributes).toMatchObject({ result: 'hit', mode: 'exact', policy: 'default' });
    expect(lookup?.attributes.savedCostUsd).toBeGreaterThan(0);
    expect(body.trace.status).toBe('ok');
    expect(body.trace.cost).toBeNull();
    expect(body.observations.some((observation) => observation.type === 'generation')).toBe(false);
  });
});

describe('semantic cache (local embedder)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      config: { cache: { policy: { mode: 'semantic', similarity_threshold: 0.7 } } },
    });
  }, 60_000);
  afterAll(() => stack.close());

  it('answers a paraphrase from the cache, but not another question or another system prompt', async () => {
    const first = await chat(stack, question);
    expect(first.headers.get('x-gatehouse-cache')).toBe('miss');
    const paraphrase = await chat(stack, {
      ...question,
      messages: [question.messages[0], { role: 'user', content: 'Tell me New York City weather' }],
    });
    expect(paraphrase.headers.get('x-gatehouse-cache')).toBe('semantic-hit');
    expect(Number(paraphrase.headers.get('x-gatehouse-cache-similarity'))).toBeGreaterThanOrEqual(0.7);
    expect(JSON.parse(paraphrase.text)).toEqual(JSON.parse(first.text));

    const unrelated = await chat(stack, {
      ...question,
      messages: [question.messages[0], { role: 'user', content: 'How do I bake sourdough bread?' }],
    });
    expect(unrelated.headers.get('x-gatehouse-cache')).toBe('miss');
    const otherSystem = await chat(stack, {
      ...question,
      messages: [
        { role: 'system', content: 'You answer in French.' },
        { role: 'user', content: 'Tell me New York City weather' },
      ],
    });
    expect(otherSystem.headers.get('x-gatehouse-cache')).toBe('miss');
    expect(upstreamChatCalls(stack)).toBe(3);
  }, 60_000);
});

const redis = await createRedisTestStore();

describe.skipIf(redis === null)('exact cache on Redis, shared by two replicas', () => {
  let first: Stack;
  let second: Stack;
  const prefix = `${redis?.keyPrefix ?? ''}gateway:`;

  beforeAll(async () => {
    const options = {
      config: { cache: { policy: { mode: 'exact' } } },
      // A loaded CI machine can stall a command past the 500 ms default, which skips the cache write.
      storage: { redis_url: redisTestUrl, redis_key_prefix: prefix, redis_command_timeout_ms: 5_000 },
    };
    first = await startStack(options);
    second = await startStack(options);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await deleteByPrefix(redisTestUrl, prefix);
    await redis?.cleanup();
  });

  it('serves on one replica what the other stored, and purges for both', async () => {
    // The store write is not awaited by the response: wait until it lands.
    expect((await chat(first, question)).headers.get('x-gatehouse-cache')).toBe('miss');
    await expect
      .poll(async () => (await redis!.client.keys(`${prefix}cache:*`)).length, { timeout: 5_000 })
      .toBe(1);
    const fromSecond = await chat(second, question);
    expect(fromSecond.headers.get('x-gatehouse-cache')).toBe('hit');
    expect(upstreamChatCalls(second)).toBe(0);
    await purgeAll(second);
    expect((await chat(first, question)).headers.get('x-gatehouse-cache')).toBe('miss');
  });
});
