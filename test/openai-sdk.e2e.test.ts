/**
 * The official `openai` SDK, unchanged but for baseURL and apiKey, through Gatehouse to OpenAI-,
 * Anthropic-, Gemini- and Azure-format upstreams served locally; each call then read back from
 * `GET /api/traces` with its provider, model, tokens and cost. Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { api, masterKey, startStack } from './helpers/stack.js';
import type { Stack } from './helpers/stack.js';
import { storesUnderTest } from './helpers/stores.js';
import { startGatedUpstream } from './helpers/gated-upstream.js';
import type { GatedUpstream } from './helpers/gated-upstream.js';
import type { ObservationRecord, TraceRecord } from '../src/telemetry/model.js';

const stores = await storesUnderTest();

/** USD per million tokens, from the shipped catalog: the cost a user should see. */
const chatModels = [
  {
    name: 'gpt-4o-mini',
    provider: 'up-openai',
    upstream: 'gpt-4o-mini',
    price: { input: 0.15, output: 0.6 },
  },
  {
    name: 'claude-haiku',
    provider: 'up-anthropic',
    upstream: 'claude-3-5-haiku-20241022',
    price: { input: 0.8, output: 4 },
  },
  {
    name: 'gemini-flash',
    provider: 'up-gemini',
    upstream: 'gemini-2.0-flash',
    price: { input: 0.1, output: 0.4 },
  },
  { name: 'azure-gpt-4o', provider: 'up-azure', upstream: 'gpt-4o', price: { input: 2.5, output: 10 } },
] as const;

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
    },
  },
};

type TraceDetail = { trace: TraceRecord; observations: ObservationRecord[] };

describe.each(stores)('openai SDK through the gateway (%s)', (store) => {
  let stack: Stack;
  let client: OpenAI;
  let gated: GatedUpstream;

  beforeAll(async () => {
    gated = await startGatedUpstream();
    stack = await startStack({
      store,
      providers: [{ id: 'gated', type: 'openai', base_url: `${gated.url}/v1`, api_key: 'k' }],
      models: [{ name: 'gated', targets: [{ provider: 'gated', model: 'gpt-4o-mini' }] }],
    });
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: masterKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.close();
    await gated?.close();
  });

  async function traceOf(traceId: string | null): Promise<TraceDetail> {
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const { status, body } = await api<TraceDetail>(stack, `/api/traces/${traceId}`);
    expect(status).toBe(200);
    return body;
  }

  function expectCost(trace: TraceRecord, price: { input: number; output: number }): void {
    const { inputTokens, outputTokens } = trace.usage;
    expect(inputTokens).toBeGreaterThan(0);
    expect(outputTokens).toBeGreaterThan(0);
    expect(trace.cost).toBeCloseTo((inputTokens! * price.input + outputTokens! * price.output) / 1e6, 12);
  }

  describe.each(chatModels)('$name', (model) => {
    it('answers a chat completion and records it', async () => {
      const { data, response } = await client.chat.completions
        .create({ model: model.name, messages: [{ role: 'user', content: 'Hello there, gateway' }] })
        .withResponse();
      expect(data.choices[0]?.message.content).toContain('Hello there, gateway');
      expect(data.choices[0]?.finish_reason).toBe('stop');
      expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
      expect(response.headers.get('x-gatehouse-provider')).toBe(model.provider);
      expect(response.headers.get('x-gatehouse-model')).toBe(model.upstream);

      const { trace, observations } = await traceOf(response.headers.get('x-gatehouse-trace-id'));
      expect(trace).toMatchObject({
        model: model.name,
        provider: model.provider,
        upstreamModel: model.upstream,
        status: 'ok',
      });
      expect(trace.usage).toMatchObject({
        inputTokens: data.usage!.prompt_tokens,
        outputTokens: data.usage!.completion_tokens,
        estimated: false,
      });
      expectCost(trace, model.price);
      const attempt = observations.find((observation) => observation.type === 'generation');
      expect(attempt).toMatchObject({ provider: model.provider, model: model.upstream, status: 'ok' });
    });

    it('streams a chat completion with usage', async () => {
      const { data: stream, response } = await client.chat.completions
        .create({
          model: model.name,
          messages: [{ role: 'user', content: 'Stream me a reply about rivers and mountains' }],
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse();
      let text = '';
      let chunks = 0;
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        chunks++;
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      expect(chunks).toBeGreaterThan(2);
      expect(text).toContain('rivers and mountains');
      expect(usage?.completion_tokens).toBeGreaterThan(0);

      const { trace } = await traceOf(response.headers.get('x-gatehouse-trace-id'));
      expect(trace).toMatchObject({ stream: true, status: 'ok', provider: model.provider });
      expect(trace.usage.outputTokens).toBe(usage!.completion_tokens);
      expect(trace.ttftMs).toBeGreaterThan(0);
      expectCost(trace, model.price);
    });

    it('returns a tool call', async () => {
      const { data, response } = await client.chat.completions
        .create({
          model: model.name,
          messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
          tools: [weatherTool],
          tool_choice: 'auto',
        })
        .withResponse();
      const choice = data.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls?.[0];
      expect(call?.type).toBe('function');
      if (call?.type !== 'function') throw new Error('expected a function call');
      expect(call.function.name).toBe('get_weather');
      expect(Object.keys(JSON.parse(call.function.arguments) as object)).toEqual(
        expect.arrayContaining(['city', 'unit']),
      );
      const { trace } = await traceOf(response.headers.get('x-gatehouse-trace-id'));
      expect(trace.provider).toBe(model.provider);
      expectCost(trace, model.price);
    });

    it('streams a tool call', async () => {
      const stream = await client.chat.completions.create({
        model: model.name,
        messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
        tools: [weatherTool],
        stream: true,
      });
      const calls = new Map<number, { id: string; name: string; args: string }>();
      let finish: string | null = null;
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        for (const delta of choice?.delta.tool_calls ?? []) {
          const call = calls.get(delta.index) ?? { id: '', name: '', args: '' };
          call.id ||= delta.id ?? '';
          call.name += delta.function?.name ?? '';
          call.args += delta.function?.arguments ?? '';
          calls.set(delta.index, call);
        }
        finish = choice?.finish_reason ?? finish;
      }
      expect(finish).toBe('tool_calls');
      const call = calls.get(0)!;
      expect(call.id).not.toBe('');
      expect(call.name).toBe('get_weather');
      expect(JSON.parse(call.args)).toHaveProperty('city');
    });

    it('honours JSON mode', async () => {
      const data = await client.chat.completions.create({
        model: model.name,
        messages: [{ role: 'user', content: 'Give me a JSON object' }],
        response_format: { type: 'json_object' },
      });
      expect(() => JSON.parse(data.choices[0]?.message.content ?? '') as unknown).not.toThrow();
    });
  });

  it('embeds through OpenAI- and Gemini-format upstreams', async () => {
    for (const [model, provider] of [
      ['text-embedding-3-small', 'up-openai'],
      ['gemini-embedding', 'up-gemini'],
    ] as const) {
      const { data, response } = await client.embeddings
        .create({ model, input: ['first text', 'second text'] })
        .withResponse();
      expect(data.data).toHaveLength(2);
      expect(data.data[0]?.embedding.length).toBeGreaterThan(10);
      const { trace } = await traceOf(response.headers.get('x-gatehouse-trace-id'));
      expect(trace).toMatchObject({ endpoint: 'embeddings', provider, status: 'ok' });
      expect(trace.usage.inputTokens).toBeGreaterThan(0);
    }
  });

  it('lists the configured models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(
      expect.arrayContaining(['gpt-4o-mini', 'claude-haiku', 'gemini-flash', 'azure-gpt-4o']),
    );
    expect((await client.models.retrieve('claude-haiku')).id).toBe('claude-haiku');
  });

  it('forwards the first stream chunk before the upstream sends the rest', async () => {
    const stream = await client.chat.completions.create({
      model: 'gated',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const contents: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) contents.push(content);
      if (contents.length === 1) gated.release();
    }
    expect(contents.join('')).toBe('first second');
    expect(gated.releasedByTimeout()).toBe(false);
  });

  it('lists traces newest first with filters and cursor pagination', async () => {
    for (let index = 0; index < 3; index++) {
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `page test ${index}` }],
        user: 'pager',
      });
    }
    const first = await api<{ data: TraceRecord[]; next_cursor: string | null }>(
      stack,
      '/api/traces?user=pager&limit=2',
    );
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_cursor).not.toBeNull();
    const second = await api<{ data: TraceRecord[]; next_cursor: string | null }>(
      stack,
      `/api/traces?user=pager&limit=2&cursor=${first.body.next_cursor}`,
    );
    expect(second.body.data).toHaveLength(1);
    const all = [...first.body.data, ...second.body.data];
    expect(new Set(all.map((trace) => trace.id)).size).toBe(3);
    expect(all.map((trace) => trace.startTime)).toEqual(
      [...all.map((trace) => trace.startTime)].sort((a, b) => b - a),
    );
    const byProvider = await api<{ data: TraceRecord[] }>(stack, '/api/traces?provider=up-gemini&limit=100');
    expect(byProvider.body.data.length).toBeGreaterThan(0);
    expect(byProvider.body.data.every((trace) => trace.provider === 'up-gemini')).toBe(true);
  });
});
