/**
 * The in-process mock adapter: latency, token pacing, abort, usage on streams, `x-mock-*` failures,
 * and deterministic embeddings (identical texts equal, similar texts closer, base64 = float32 LE).
 */
import { describe, expect, it } from 'vitest';
import { providerSchema } from '../../config/schema.js';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../canonical.js';
import type { ChatResult, ChatStreamResult } from '../spec.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { createMockAdapter } from './index.js';
import { createMockCompletion, toMockChunks } from './mock-reply.js';

const adapterWith = (config: Record<string, unknown> = {}) =>
  createMockAdapter(providerSchema.parse({ id: 'mock-test', type: 'mock', ...config }));

const request: ChatCompletionRequest = {
  model: 'mock-gpt',
  messages: [{ role: 'user', content: 'Tell me something about pacing and streams, please.' }],
};
const signal = () => new AbortController().signal;

function expectStream(result: ChatResult): ChatStreamResult {
  if (result.kind !== 'stream') throw new Error('expected a stream');
  return result;
}

async function collect(
  stream: AsyncIterable<ChatCompletionChunk>,
): Promise<{ chunk: ChatCompletionChunk; at: number }[]> {
  const start = performance.now();
  const received: { chunk: ChatCompletionChunk; at: number }[] = [];
  for await (const chunk of stream) received.push({ chunk, at: performance.now() - start });
  return received;
}

describe('mock adapter chat', () => {
  it('waits latency_ms and answers with the mock completion', async () => {
    const started = performance.now();
    const result = await adapterWith({ mock: { latency_ms: 80 } }).chat(request, { signal: signal() });
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(result).toMatchObject({ kind: 'response', warnings: [], response: createMockCompletion(request) });
  });

  it('streams the chunk sequence in order, paced by tokens_per_second, always ending with usage', async () => {
    const tokensPerSecond = 200;
    const result = expectStream(
      await adapterWith({ mock: { tokens_per_second: tokensPerSecond } }).chat(
        { ...request, stream: true },
        { signal: signal() },
      ),
    );
    const received = await collect(result.stream);
    const expected = toMockChunks(createMockCompletion({ ...request, stream: true }), { includeUsage: true });
    expect(received.map(({ chunk }) => chunk.choices)).toEqual(expected.map((chunk) => chunk.choices));
    const usage = received.at(-1)?.chunk.usage;
    expect(usage?.completion_tokens).toBeGreaterThan(10);
    // The whole answer takes about completion_tokens / tokens_per_second, and arrival times only grow.
    const total = received.at(-1)?.at ?? 0;
    expect(total).toBeGreaterThanOrEqual(((usage?.completion_tokens ?? 0) / tokensPerSecond) * 1000 - 20);
    const times = received.map(({ at }) => at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[1] ?? 0).toBeLessThan(total / 2);
  });

  it('includes the usage chunk even when the client did not ask for it', async () => {
    const result = expectStream(
      await adapterWith().chat(
        { ...request, stream: true, stream_options: { include_usage: false } },
        { signal: signal() },
      ),
    );
    const received = await collect(result.stream);
    expect(received.at(-1)?.chunk).toMatchObject({
      choices: [],
      usage: { prompt_tokens: expect.any(Number) as number },
    });
  });

  it('rejects with signal.reason when aborted during the latency', async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    const pending = adapterWith({ mock: { latency_ms: 10_000 } }).chat(request, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(reason), 20);
    const started = performance.now();
    await expect(pending).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops a paced stream promptly when aborted mid-way', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    const result = expectStream(
      await adapterWith({ mock: { tokens_per_second: 5 } }).chat(
        { ...request, stream: true },
        { signal: controller.signal },
      ),
    );
    const received: ChatCompletionChunk[] = [];
    setTimeout(() => controller.abort(reason), 50);
    const started = performance.now();
    await expect(
      (async () => {
        for await (const chunk of result.stream) received.push(chunk);
      })(),
    ).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(500);
    expect(received.length).toBeLessThan(3);
  });

  it('fails as an upstream would when x-mock-fail-status is configured', async () => {
    const adapter = adapterWith({
      headers: { 'X-Mock-Fail-Status': '429', 'X-Mock-Fail-Message': 'slow down' },
    });
    const error: unknown = await adapter
      .chat(request, { signal: signal() })
      .catch((caught: unknown) => caught);
    expect(UpstreamCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      kind: 'http',
      status: 429,
      retryAfterSeconds: 1,
      isRetryable: true,
      message: 'slow down',
      provider: 'mock-test',
    });
  });

  it('breaks the stream after x-mock-cut-after-chunks chunks, and x-mock-reply fixes the text', async () => {
    const adapter = adapterWith();
    const result = expectStream(
      await adapter.chat(
        { ...request, stream: true },
        { signal: signal(), headers: { 'x-mock-cut-after-chunks': '2' } },
      ),
    );
    const received: ChatCompletionChunk[] = [];
    const error: unknown = await (async () => {
      for await (const chunk of result.stream) received.push(chunk);
    })().catch((caught: unknown) => caught);
    expect(received).toHaveLength(2);
    expect(error).toMatchObject({ kind: 'stream', isRetryable: true });
    const fixed = await adapter.chat(request, {
      signal: signal(),
      headers: { 'x-mock-reply': 'Caf%C3%A9 is open' },
    });
    expect(fixed.kind === 'response' && fixed.response.choices[0]?.message.content).toBe('Café is open');
  });
});

describe('mock adapter embeddings', () => {
  const cosine = (a: number[], b: number[]) =>
    a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);

  it('gives unit vectors: identical texts equal, similar texts closer than unrelated ones', async () => {
    const { response, warnings } = await adapterWith().embed(
      {
        model: 'mock-embedding',
        input: [
          'The cat sat on the mat',
          'The cat sat on the mat',
          'A cat sat on a mat',
          'Quarterly revenue grew by 4%',
        ],
      },
      { signal: signal() },
    );
    expect(warnings).toEqual([]);
    const vectors = response.data.map((item) => item.embedding as number[]);
    expect(vectors.map((vector) => vector.length)).toEqual([256, 256, 256, 256]);
    for (const vector of vectors) expect(Math.sqrt(cosine(vector, vector))).toBeCloseTo(1, 5);
    expect(vectors[0]).toEqual(vectors[1]);
    expect(cosine(vectors[0]!, vectors[2]!)).toBeGreaterThan(cosine(vectors[0]!, vectors[3]!) + 0.2);
    expect(response.usage.prompt_tokens).toBeGreaterThan(20);
    expect(response).toMatchObject({ object: 'list', model: 'mock-embedding' });
  });

  it('honours dimensions and encodes base64 as little-endian float32', async () => {
    const adapter = adapterWith();
    const floats = await adapter.embed({ model: 'm', input: 'hello', dimensions: 64 }, { signal: signal() });
    const encoded = await adapter.embed(
      { model: 'm', input: 'hello', dimensions: 64, encoding_format: 'base64' },
      { signal: signal() },
    );
    const bytes = Buffer.from(encoded.response.data[0]?.embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(floats.response.data[0]?.embedding);
    expect(decoded).toHaveLength(64);
  });
});
