/**
 * `gatehouse/sdk` against the real server: prompts come from the registry and are cached
 * (stale-while-revalidate, one request for concurrent gets), the code-level fallback answers only when
 * the registry is unreachable and nothing is cached (a 404 stays an error), a prompt compiles with the
 * server's strict rendering and drives the official openai client; `observe()` spans and the gateway
 * call made inside them land in one trace with model, tokens and cost; and a score posted by request
 * id the moment the completion returns is attached to that request's trace.
 */
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createGatehouseClient,
  GatehouseApiError,
  GatehouseUnreachableError,
  GatewayError,
  type FetchFunction,
  type GatehouseClient,
} from '../src/sdk/index.js';
import type { ObservationRecord, TraceRecord } from '../src/telemetry/model.js';
import { call } from './helpers/admin-client.js';
import { api, masterKey, startStack, type Stack } from './helpers/stack.js';
import { storesUnderTest } from './helpers/stores.js';

const stores = await storesUnderTest();
type TraceDetail = { trace: TraceRecord; observations: ObservationRecord[] };

/** A fetch that counts prompt reads and can play an unreachable registry (network error or 503). */
function controllableFetch() {
  const state = { promptReads: 0, outage: null as null | 'network' | '503' };
  const fetchFunction: FetchFunction = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/api/prompts/')) state.promptReads += 1;
    if (state.outage === 'network') return Promise.reject(new TypeError('fetch failed'));
    if (state.outage === '503') return Promise.resolve(new Response('{}', { status: 503 }));
    return fetch(input, init);
  };
  return { state, fetch: fetchFunction };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const fallback = { template: 'Fallback answer to: {{question}}', config: { model: 'gpt-4o-mini' } };

describe.each(stores)('gatehouse/sdk (%s)', (store) => {
  let stack: Stack;
  let gatehouse: GatehouseClient;
  let registry: ReturnType<typeof controllableFetch>;

  beforeAll(async () => {
    stack = await startStack({ store });
    registry = controllableFetch();
    gatehouse = createGatehouseClient({ baseUrl: stack.url, apiKey: masterKey, fetch: registry.fetch });
    // The included footer first, then the prompt that includes it.
    for (const body of [
      { name: 'sdk-footer', template: 'Sign as {{agent}}.', labels: ['production'] },
      {
        name: 'sdk-answer',
        template: [
          { role: 'system', content: 'You answer in one sentence. {{> sdk-footer}}' },
          { role: 'user', content: '{{question}}' },
        ],
        config: { model: 'gpt-4o-mini', temperature: 0.2 },
        labels: ['production'],
      },
    ]) {
      expect((await call(stack.url, 'POST', '/api/prompts', { body })).status).toBe(201);
    }
  });

  afterAll(async () => {
    await gatehouse.shutdown();
    await stack.close();
  });

  it('gets a prompt once for concurrent callers and compiles it with its includes, strictly', async () => {
    const prompts = await Promise.all(Array.from({ length: 5 }, () => gatehouse.prompts.get('sdk-answer')));
    // One read of the label and one of the include, whatever the number of callers.
    expect(registry.state.promptReads).toBe(2);
    const prompt = prompts[0]!;
    expect(prompts.every((other) => other === prompt)).toBe(true);
    expect(prompt).toMatchObject({ name: 'sdk-answer', version: 1, label: 'production', isFallback: false });
    expect(prompt.config).toEqual({ model: 'gpt-4o-mini', temperature: 0.2 });
    expect(prompt.compile({ question: 'Where is my parcel?', agent: 'Ada' })).toEqual([
      { role: 'system', content: 'You answer in one sentence. Sign as Ada.' },
      { role: 'user', content: 'Where is my parcel?' },
    ]);
    let thrown: unknown;
    try {
      prompt.compile({ question: 'Where is my parcel?' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    expect(thrown).toMatchObject({ param: 'prompt_variables.agent', publicCode: 'missing_prompt_variable' });

    // The compiled request drives the official client, through the gateway or any OpenAI endpoint.
    const openai = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: masterKey });
    const request = prompt.toChatRequest(
      { question: 'Where is my parcel?', agent: 'Ada' },
      { max_tokens: 20 },
    );
    expect(request).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 20 });
    const completion = await openai.chat.completions.create(request);
    expect(completion.choices[0]?.message.content).toBeTruthy();
    // Or the gateway renders the exact same version from the reference.
    const byReference = await openai.chat.completions
      .create({
        model: prompt.reference,
        messages: [],
        prompt_variables: { question: 'Hi', agent: 'Ada' },
      } as never)
      .withResponse();
    expect(byReference.response.headers.get('x-gatehouse-prompt')).toBe('sdk-answer@1');
  });

  it('serves the cached prompt while fresh, then the stale one while it refreshes in the background', async () => {
    await gatehouse.prompts.get('sdk-answer');
    const reads = registry.state.promptReads;
    const moved = await call(stack.url, 'POST', '/api/prompts', {
      body: {
        name: 'sdk-answer',
        template: [
          { role: 'system', content: 'You answer in two sentences. {{> sdk-footer}}' },
          { role: 'user', content: '{{question}}' },
        ],
        config: { model: 'gpt-4o-mini', temperature: 0.2 },
        labels: ['production'],
      },
    });
    expect(moved.status).toBe(201);

    // Within the TTL: the cached version, no request.
    expect((await gatehouse.prompts.get('sdk-answer')).version).toBe(1);
    expect(registry.state.promptReads).toBe(reads);
    // Past the TTL (0 s): the stale version at once, and one background refresh behind it.
    expect((await gatehouse.prompts.get('sdk-answer', { cacheTtlSeconds: 0 })).version).toBe(1);
    await vi.waitFor(async () => expect((await gatehouse.prompts.get('sdk-answer')).version).toBe(2));
    expect(registry.state.promptReads).toBe(reads + 2);
    // A version number is immutable: read once, never refreshed.
    expect((await gatehouse.prompts.get('sdk-answer', { version: 1, cacheTtlSeconds: 0 })).version).toBe(1);
    expect((await gatehouse.prompts.get('sdk-answer', { version: 1, cacheTtlSeconds: 0 })).version).toBe(1);
    expect(registry.state.promptReads).toBe(reads + 4);
  });

  it('falls back only when the registry is unreachable and nothing is cached; a 404 is an error', async () => {
    const down = createGatehouseClient({ baseUrl: await closedPortUrl(), apiKey: masterKey });
    const served = await down.prompts.get('sdk-answer', { fallback });
    expect(served).toMatchObject({ name: 'sdk-answer', version: null, isFallback: true });
    expect(served.compile({ question: 'Hello?' })).toEqual([
      { role: 'user', content: 'Fallback answer to: Hello?' },
    ]);
    await expect(down.prompts.get('sdk-answer')).rejects.toBeInstanceOf(GatehouseUnreachableError);
    await down.shutdown();

    // A 5xx is unreachable too; a cached prompt (even stale) wins over the fallback.
    registry.state.outage = '503';
    try {
      expect((await gatehouse.prompts.get('sdk-answer', { label: 'latest', fallback })).isFallback).toBe(
        true,
      );
      const cached = await gatehouse.prompts.get('sdk-answer', { cacheTtlSeconds: 0, fallback });
      expect(cached).toMatchObject({ version: 2, isFallback: false });
      registry.state.outage = 'network';
      expect((await gatehouse.prompts.get('sdk-answer', { cacheTtlSeconds: 0, fallback })).isFallback).toBe(
        false,
      );
    } finally {
      registry.state.outage = null;
    }

    // The registry answers: a label pointing nowhere or an unknown prompt is a 404, never the fallback.
    const nowhere = gatehouse.prompts.get('sdk-answer', { label: 'nowhere', fallback });
    await expect(nowhere).rejects.toBeInstanceOf(GatehouseApiError);
    await expect(nowhere).rejects.toMatchObject({ status: 404, code: 'prompt_label_not_found' });
    await expect(gatehouse.prompts.get('no-such-prompt', { fallback })).rejects.toMatchObject({
      status: 404,
      code: 'prompt_not_found',
    });
    await expect(
      gatehouse.prompts.prefetch(['sdk-answer', { name: 'no-such-prompt' }]),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("puts observe() spans and the gateway's generation made inside them into one trace", async () => {
    const openai = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: masterKey, fetch: gatehouse.fetch });
    let traceId = '';
    let agentSpanId = '';
    const answer = await gatehouse.observe(
      'answer-ticket',
      async (observation) => {
        traceId = observation.traceId;
        agentSpanId = observation.spanId;
        observation.setUser('alice');
        observation.setSession('ticket-42');
        const documents = await gatehouse.observe('search-faq', () => ['Parcels ship in 2 days.'], {
          type: 'retrieval',
          input: 'parcel delay',
        });
        const completion = await openai.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `Using ${documents[0]}, where is my parcel?` }],
        });
        await observation.score('helpfulness', 0.9);
        return completion.choices[0]?.message.content;
      },
      { type: 'agent', input: 'Where is my parcel?' },
    );
    expect(answer).toBeTruthy();
    await gatehouse.flush();

    const { status, body } = await api<TraceDetail>(stack, `/api/traces/${traceId}`);
    expect(status).toBe(200);
    const byName = new Map(body.observations.map((observation) => [observation.name, observation]));
    expect(byName.get('answer-ticket')).toMatchObject({ type: 'agent', parentId: null });
    expect(byName.get('answer-ticket')!.attributes).toMatchObject({
      input: 'Where is my parcel?',
      userId: 'alice',
      sessionId: 'ticket-42',
    });
    expect(byName.get('search-faq')).toMatchObject({ type: 'retrieval', parentId: agentSpanId });
    expect(byName.get('chat.completions')?.parentId).toBe(agentSpanId);
    const generation = body.observations.find(
      (observation) => observation.type === 'generation' && observation.traceId === traceId,
    );
    expect(generation).toMatchObject({ model: 'gpt-4o-mini' });
    expect(generation!.usage!.inputTokens).toBeGreaterThan(0);
    expect(generation!.cost).toBeGreaterThan(0);
    const scores = await api<{ data: { name: string; value: number }[] }>(
      stack,
      `/api/scores?trace_id=${traceId}`,
    );
    expect(scores.body.data).toEqual([expect.objectContaining({ name: 'helpfulness', value: 0.9 })]);
  });

  it('records a generation the app made itself, priced from its model and tokens', async () => {
    const traceId = await gatehouse.observe(
      'local-llm-call',
      (observation) => {
        observation.setInput([{ role: 'user', content: 'Hi' }]);
        observation.setGeneration({
          model: 'gpt-4o-mini',
          provider: 'openai',
          usage: { inputTokens: 1000, outputTokens: 500 },
        });
        observation.setOutput([{ role: 'assistant', content: 'Hello!' }]);
        return observation.traceId;
      },
      { type: 'generation', captureOutput: false },
    );
    await gatehouse.flush();
    const { body } = await api<TraceDetail>(stack, `/api/traces/${traceId}`);
    expect(body.trace).toMatchObject({ model: 'gpt-4o-mini', source: 'otlp' });
    expect(body.trace.usage).toMatchObject({ inputTokens: 1000, outputTokens: 500 });
    // gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output.
    expect(body.trace.cost).toBeCloseTo(0.00045, 8);
    expect(body.observations[0]).toMatchObject({ type: 'generation', model: 'gpt-4o-mini' });
  });
});

describe.each(stores)('scores by request id before the trace is stored (%s)', (store) => {
  let served: Stack;
  let replica: Stack;

  beforeAll(async () => {
    // A flush period no test waits for: the trace stays in the answering replica's buffer.
    served = await startStack({ store, config: { telemetry: { flush_interval_ms: 600_000 } } });
    replica = await startStack({ store, storage: { database_url: served.databaseUrl } });
  });

  afterAll(async () => {
    await replica.close();
    await served.close();
  });

  it('attaches a score posted the moment the completion returns to that trace, in its own tenant only', async () => {
    const openai = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: masterKey });
    const { response, request_id: requestId } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Thanks!' }] })
      .withResponse();
    const traceId = response.headers.get('x-gatehouse-trace-id');
    expect(requestId).toBeTruthy();
    const score = (stack: Stack, value: boolean, headers: Record<string, string> = {}) =>
      fetch(`${stack.url}/api/scores`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ request_id: requestId, name: 'thumbs_up', value }),
      });

    // The replica that answered knows the request: attached at once.
    const direct = await score(served, true);
    expect(direct.status).toBe(201);
    expect(await direct.json()).toMatchObject({ traceId, value: true });
    // Another replica has not seen it, and the store has no trace yet: kept, pending.
    const early = await score(replica, false);
    expect(early.status).toBe(202);
    const pending = (await early.json()) as { id: string; traceId: null; pending: boolean };
    expect(pending).toMatchObject({ traceId: null, requestId, pending: true });
    // Another tenant naming the same request id never reaches this trace.
    const foreign = await score(served, true, { 'x-gatehouse-tenant': 'someone-else' });
    expect(foreign.status).toBe(202);

    await served.gatehouse.telemetry.flush();
    const listed = async (headers: Record<string, string> = {}) => {
      const response = await fetch(`${replica.url}/api/scores?trace_id=${traceId}`, {
        headers: { authorization: `Bearer ${masterKey}`, ...headers },
      });
      return ((await response.json()) as { data: { id: string; value: boolean }[] }).data;
    };
    await vi.waitFor(async () => expect(await listed()).toHaveLength(2), { timeout: 10_000 });
    expect(await listed()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: true }),
        expect.objectContaining({ id: pending.id, value: false }),
      ]),
    );
    expect(await listed({ 'x-gatehouse-tenant': 'someone-else' })).toEqual([]);
  });
});
