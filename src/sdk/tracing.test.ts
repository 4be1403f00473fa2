/**
 * observe() spans as an exporter receives them: the attributes Gatehouse's OTLP ingestion maps to an
 * observation type, model, tokens, input and output; parent and child in one trace; failures marked;
 * and the `traceparent` a gateway call made inside carries.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { mapOtlpSpan } from '../telemetry/otlp-ingest/map-otlp-span.js';
import type { OtlpSpan } from '../telemetry/otlp-ingest/read-otlp-request.js';
import type { FetchFunction } from './http.js';
import type { ScoresClient } from './scores-client.js';
import { createTracing } from './tracing.js';

const exporter = new InMemorySpanExporter();
const seen: Headers[] = [];
const fetchFunction: FetchFunction = (_input, init) => {
  seen.push(new Headers(init?.headers));
  return Promise.resolve(new Response('{}'));
};
const scores = { create: () => Promise.reject(new Error('not used')) } as unknown as ScoresClient;
const tracing = createTracing({
  baseUrl: 'http://gatehouse',
  apiKey: 'k',
  fetch: fetchFunction,
  scores,
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});

afterAll(() => tracing.shutdown());

/** The exported span as the ingestion reads it. */
function ingested(name: string) {
  const span = exporter.getFinishedSpans().find((finished) => finished.name === name)!;
  const otlp: OtlpSpan = {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    startTime: 0,
    endTime: 1,
    statusCode: span.status.code,
    statusMessage: span.status.message ?? null,
    attributes: span.attributes as OtlpSpan['attributes'],
    resource: {},
    events: [],
  };
  return mapOtlpSpan(otlp);
}

describe('observe', () => {
  it('nests observations in one trace, with the types, model and tokens the ingestion maps', async () => {
    const answer = await tracing.observe(
      'handle',
      async () => {
        await tracing.observe('rank', () => ['b', 'a'], { type: 'rerank', input: ['a', 'b'] });
        return tracing.observe(
          'llm',
          (generation) => {
            generation.setGeneration({
              model: 'gpt-4o-mini',
              provider: 'openai',
              usage: { inputTokens: 10, outputTokens: 5 },
            });
            return [{ role: 'assistant', content: 'hi' }];
          },
          { type: 'generation', input: [{ role: 'user', content: 'hello' }] },
        );
      },
      { type: 'agent', userId: 'alice', sessionId: 's1', tags: ['beta'] },
    );
    expect(answer).toEqual([{ role: 'assistant', content: 'hi' }]);
    const [handle, rank, llm] = [ingested('handle'), ingested('rank'), ingested('llm')];
    expect(handle).toMatchObject({ type: 'agent', userId: 'alice', sessionId: 's1', tags: ['beta'] });
    expect(rank).toMatchObject({
      type: 'retrieval',
      parentSpanId: handle.spanId,
      input: ['a', 'b'],
      output: ['b', 'a'],
    });
    expect(llm).toMatchObject({
      type: 'generation',
      traceId: handle.traceId,
      model: 'gpt-4o-mini',
      provider: 'openai',
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      input: [{ role: 'user', content: 'hello' }],
      output: [{ role: 'assistant', content: 'hi' }],
    });
  });

  it('marks a failed observation and rethrows', async () => {
    await expect(
      tracing.observe('broken', () => {
        throw new Error('tool crashed');
      }),
    ).rejects.toThrow('tool crashed');
    expect(ingested('broken')).toMatchObject({ status: 'error', errorMessage: 'tool crashed' });
  });

  it('observes each call of a wrapped function with its arguments as input', async () => {
    const add = tracing.observed('add', (a: number, b: number) => a + b, { type: 'tool' });
    expect(await add(2, 3)).toBe(5);
    // A scalar output is stored as its JSON text.
    expect(ingested('add')).toMatchObject({ type: 'tool', input: [2, 3], output: '5' });
  });

  it('propagates traceparent to calls made inside an observation only', async () => {
    expect(tracing.traceHeaders()).toEqual({});
    await tracing.fetch('http://gatehouse/v1/chat/completions', { headers: { 'x-app': '1' } });
    const traceId = await tracing.observe('call-gateway', async (observation) => {
      await tracing.fetch('http://gatehouse/v1/chat/completions', { headers: { 'x-app': '1' } });
      expect(tracing.currentTraceId()).toBe(observation.traceId);
      return observation.traceId;
    });
    expect(seen[0]!.get('traceparent')).toBeNull();
    expect(seen[1]!.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(seen[1]!.get('x-app')).toBe('1');
  });
});
