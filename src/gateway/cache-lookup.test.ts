import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { AnswerStore } from '../cache/answer-store.js';
import { createMemoryAnswerStore } from '../cache/memory-answer-store.js';
import { createResponseCache } from '../cache/response-cache.js';
import { createSemanticIndex } from '../cache/semantic-index.js';
import type { Embedder } from '../embeddings/spec.js';
import { toUnitVector } from '../embeddings/unit-vector.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../providers/canonical.js';
import type { ProviderAdapter } from '../providers/spec.js';
import { createPriceCatalog } from '../usage/price-catalog.js';
import { lookupCache } from './cache-lookup.js';
import { compose } from './compose.js';
import type { ChatContext, RequestContext, TenancyContext } from './context.js';
import { createMemoryBreakerStore } from '../routing/memory-breaker-store.js';
import { createChatContext } from './create-context.js';
import { dispatchRequest } from './dispatch.js';
import { createModelRouter, resolveRoute } from './resolve-route.js';

/** An upstream that counts its calls and answers with the call number. */
function countingAdapter(options: { breakStreams?: boolean } = {}) {
  let calls = 0;
  const answer = (): ChatCompletion => ({
    id: `call-${calls}`,
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [
      { index: 0, message: { role: 'assistant', content: `answer ${calls}` }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
  });
  const adapter = {
    id: 'upstream',
    type: 'openai',
    chat(request: ChatCompletionRequest) {
      calls++;
      const response = answer();
      if (request.stream !== true) return Promise.resolve({ kind: 'response', response, warnings: [] });
      async function* stream(): AsyncGenerator<ChatCompletionChunk> {
        yield {
          id: response.id,
          object: 'chat.completion.chunk',
          created: 1,
          model: 'm',
          choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }],
        };
        await Promise.resolve();
        if (options.breakStreams === true) throw new Error('connection reset');
        yield {
          id: response.id,
          object: 'chat.completion.chunk',
          created: 1,
          model: 'm',
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        };
      }
      return Promise.resolve({ kind: 'stream', stream: stream(), warnings: [] });
    },
    embed: () => Promise.reject(new Error('no embeddings')),
    close: () => Promise.resolve(),
  } as unknown as ProviderAdapter;
  return { adapter, calls: () => calls };
}

/** Bag of words hashed into 64 dimensions: deterministic and instant, enough to test the plumbing. */
const wordsEmbedder: Embedder = {
  id: 'test/words',
  embed: (texts) =>
    Promise.resolve(
      texts.map((text) => {
        const vector = new Array<number>(64).fill(0);
        for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
          let hash = 0;
          for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) % 64;
          vector[hash]! += 1;
        }
        return toUnitVector(vector);
      }),
    ),
  close: () => Promise.resolve(),
};

function setup(
  cacheConfig: Record<string, unknown>,
  options: { store?: AnswerStore; embedder?: Embedder; breakStreams?: boolean } = {},
) {
  const upstream = countingAdapter({ breakStreams: options.breakStreams ?? false });
  const config = parseConfig({
    providers: [{ id: 'upstream', type: 'mock' }],
    models: [{ name: 'fast', targets: [{ provider: 'upstream', model: 'm' }] }],
    cache: cacheConfig,
  });
  const prices = createPriceCatalog({ enabled: true, overrides: {} });
  const cache = createResponseCache({
    config: config.cache,
    store: options.store ?? createMemoryAnswerStore({ maxBytes: 1_000_000 }),
    index: createSemanticIndex({ maxEntriesPerPartition: 100 }),
    embedder: options.embedder ?? wordsEmbedder,
    prices,
  });
  const router = createModelRouter({
    models: config.models,
    routing: config.routing,
    adapters: new Map([['upstream', upstream.adapter]]),
    breakers: createMemoryBreakerStore(),
    prices,
  });
  const run = compose<RequestContext>([
    resolveRoute(router),
    lookupCache(cache),
    dispatchRequest({ prices }),
  ]);
  async function send(
    user: string,
    fields: Partial<Omit<ChatContext, 'request'>> & { request?: Partial<ChatCompletionRequest> } = {},
  ): Promise<ChatContext> {
    const { request, ...contextFields } = fields;
    const context = createChatContext(
      {
        requestId: 'r',
        endpoint: 'chat.completions',
        signal: new AbortController().signal,
        traceparent: undefined,
        principal: { kind: 'master' },
      },
      {
        model: 'fast',
        temperature: 0,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: user },
        ],
        ...request,
      },
    );
    Object.assign(context, contextFields);
    await run(context);
    return context;
  }
  return { send, calls: upstream.calls, cache };
}

function tenancyOf(tenantId: string, projectId: string, cachePolicy: string | null = null): TenancyContext {
  return {
    tenantId,
    projectId,
    keyId: null,
    active: null,
    policy: {
      guardrailPolicy: null,
      cachePolicy,
      allowedModelLists: [],
      allowedPrompts: null,
      defaultMetadata: {},
    },
  };
}

async function drain(context: ChatContext): Promise<void> {
  if (context.result?.kind !== 'stream') return;
  for await (const chunk of context.result.stream) void chunk;
}

describe('cache lookup stage', () => {
  it('never serves one tenant or project what another stored', async () => {
    const { send, calls } = setup({ policy: { mode: 'exact' } });
    await send('What is the capital of France?', { tenancy: tenancyOf('acme', 'web') });
    const otherTenant = await send('What is the capital of France?', { tenancy: tenancyOf('globex', 'web') });
    const otherProject = await send('What is the capital of France?', { tenancy: tenancyOf('acme', 'app') });
    const sameAgain = await send('What is the capital of France?', { tenancy: tenancyOf('acme', 'web') });
    expect(otherTenant.cache?.status).toBe('miss');
    expect(otherProject.cache?.status).toBe('miss');
    expect(sameAgain.cache?.status).toBe('hit');
    expect(calls()).toBe(3);
  });

  it('keeps semantic matches inside the tenant and the tools', async () => {
    const { send, calls } = setup({ policy: { mode: 'semantic', similarity_threshold: 0.8 } });
    await send('what is the weather in paris today', { tenancy: tenancyOf('acme', 'default') });
    const reordered = await send('today what is the weather in paris', {
      tenancy: tenancyOf('acme', 'default'),
    });
    expect(reordered.cache).toEqual({ status: 'semantic-hit', similarity: expect.closeTo(1, 5) as number });
    expect(
      (await send('today what is the weather in paris', { tenancy: tenancyOf('globex', 'default') })).cache
        ?.status,
    ).toBe('miss');
    const withTools = await send('today what is the weather in paris', {
      tenancy: tenancyOf('acme', 'default'),
      request: { tools: [{ type: 'function', function: { name: 'weather' } }] },
    });
    expect(withTools.cache?.status).toBe('miss');
    expect(calls()).toBe(3);
  });

  it('takes the policy named on the context over the model and default ones', async () => {
    const { send, calls } = setup({
      policy: { mode: 'off' },
      policies: { cached: { mode: 'exact', when: 'always' } },
    });
    await send('hello', { request: { temperature: 1 } });
    expect((await send('hello', { request: { temperature: 1 } })).cache).toBeNull();
    await send('hello', { tenancy: tenancyOf('default', 'default', 'cached'), request: { temperature: 1 } });
    const hit = await send('hello', {
      tenancy: tenancyOf('default', 'default', 'cached'),
      request: { temperature: 1 },
    });
    expect(hit.cache?.status).toBe('hit');
    expect(calls()).toBe(3);
  });

  it('degrades to a miss when the store or the embedder fails, and the upstream answers', async () => {
    const failing: AnswerStore = {
      kind: 'redis',
      get: () => Promise.reject(new Error('redis is unavailable')),
      set: () => Promise.reject(new Error('redis is unavailable')),
      purge: () => Promise.reject(new Error('redis is unavailable')),
      usage: () => ({ entries: null, bytes: null }),
    };
    const brokenEmbedder: Embedder = {
      ...wordsEmbedder,
      embed: () => Promise.reject(new Error('model gone')),
    };
    const { send, cache } = setup(
      { policy: { mode: 'semantic' } },
      { store: failing, embedder: brokenEmbedder },
    );
    const context = await send('anything');
    expect(context.result).toMatchObject({ kind: 'response', response: { id: 'call-1' } });
    expect(context.cache?.status).toBe('miss');
    expect(context.stageObservations[0]).toMatchObject({ name: 'cache.lookup', status: 'error' });
    await Promise.resolve();
    expect(cache.stats().errors).toBeGreaterThanOrEqual(2);
  });

  it('stores a completed stream but never a broken one', async () => {
    const healthy = setup({ policy: { mode: 'exact' } });
    await drain(await healthy.send('stream me', { request: { stream: true } }));
    const replayed = await healthy.send('stream me', { request: { stream: true } });
    expect(replayed.cache?.status).toBe('hit');
    const chunks: ChatCompletionChunk[] = [];
    if (replayed.result?.kind === 'stream')
      for await (const chunk of replayed.result.stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('partial');
    expect(chunks.at(-1)?.usage).toBeUndefined();

    const broken = setup({ policy: { mode: 'exact' } }, { breakStreams: true });
    await expect(drain(await broken.send('stream me', { request: { stream: true } }))).rejects.toThrow();
    expect((await broken.send('stream me', { request: { stream: true } })).cache?.status).toBe('miss');
    expect(broken.calls()).toBe(2);
  });
});
