/**
 * Traces from apps: the official OpenTelemetry JS SDK with its OTLP/HTTP protobuf exporter sends
 * GenAI-convention and OpenInference spans to `POST /v1/traces`; they read back as generations with
 * model, tokens and cost. An app span propagated with `traceparent` joins the gateway's trace. OTLP/JSON
 * with gzip reports partial success, the JSON batch API answers per item, and `/metrics` counts both
 * the gateway's requests and the spans received. Runs on SQLite and PostgreSQL.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { api, masterKey, startStack, type Stack } from './helpers/stack.js';
import { storesUnderTest } from './helpers/stores.js';
import type { ObservationRecord, TraceRecord } from '../src/telemetry/model.js';

const stores = await storesUnderTest();
type TraceDetail = { trace: TraceRecord; observations: ObservationRecord[] };

describe.each(stores)('app traces over OTLP (%s)', (store) => {
  let stack: Stack;
  let provider: BasicTracerProvider;

  beforeAll(async () => {
    stack = await startStack({ store });
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({
            url: `${stack.url}/v1/traces`,
            headers: { authorization: `Bearer ${masterKey}` },
          }),
        ),
      ],
    });
  });

  afterAll(async () => {
    await provider.shutdown();
    await stack.close();
  });

  it('stores GenAI spans from the official SDK as generations with model, tokens and cost', async () => {
    const tracer = provider.getTracer('support-bot');
    const root = tracer.startSpan('answer-question', {
      attributes: { 'session.id': 'conv-42', 'user.id': 'alice' },
    });
    const parent = trace.setSpan(context.active(), root);
    const generation = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 500,
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
          ]),
        },
      },
      parent,
    );
    generation.end();
    // Older GenAI names: gen_ai.system and prompt/completion token counts, no operation name.
    const legacy = tracer.startSpan(
      'openai.chat',
      {
        attributes: {
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.prompt_tokens': 2000,
          'gen_ai.usage.completion_tokens': 0,
        },
      },
      parent,
    );
    legacy.end();
    const retrieval = tracer.startSpan(
      'search-docs',
      { attributes: { 'openinference.span.kind': 'RETRIEVER' } },
      parent,
    );
    retrieval.end();
    root.end();
    await provider.forceFlush();

    const traceId = root.spanContext().traceId;
    const { status, body } = await api<TraceDetail>(stack, `/api/traces/${traceId}`);
    expect(status).toBe(200);
    expect(body.trace).toMatchObject({
      source: 'otlp',
      name: 'answer-question',
      model: 'gpt-4o-mini',
      sessionId: 'conv-42',
      user: 'alice',
      usage: { inputTokens: 3000, outputTokens: 500 },
    });
    const byName = new Map(body.observations.map((observation) => [observation.name, observation]));
    const chat = byName.get('chat gpt-4o-mini')!;
    expect(chat).toMatchObject({
      type: 'generation',
      model: 'gpt-4o-mini',
      provider: 'openai',
      parentId: root.spanContext().spanId,
      usage: { inputTokens: 1000, outputTokens: 500 },
    });
    // gpt-4o-mini: $0.15 input and $0.60 output per million tokens.
    expect(chat.cost).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 12);
    expect(byName.get('openai.chat')).toMatchObject({ type: 'generation', usage: { inputTokens: 2000 } });
    expect(byName.get('openai.chat')!.cost).toBeCloseTo((2000 * 0.15) / 1e6, 12);
    expect(byName.get('search-docs')!.type).toBe('retrieval');
    expect(byName.get('answer-question')!.attributes).toMatchObject({ 'service.name': 'support-bot' });
    expect(body.trace.cost).toBeCloseTo((3000 * 0.15 + 500 * 0.6) / 1e6, 12);
  });

  it('stores an OpenInference LLM span as a generation with its messages', async () => {
    const tracer = provider.getTracer('rag-app');
    const span = tracer.startSpan('llm', {
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o',
        'llm.provider': 'openai',
        'llm.token_count.prompt': 100,
        'llm.token_count.completion': 20,
        'llm.token_count.total': 120,
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': 'What is RAG?',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'Retrieval-augmented generation.',
        'tag.tags': ['rag', 'beta'],
      },
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'reranker timed out' });
    span.end();
    await provider.forceFlush();

    const { body } = await api<TraceDetail>(stack, `/api/traces/${span.spanContext().traceId}`);
    expect(body.trace).toMatchObject({
      model: 'gpt-4o',
      provider: 'openai',
      status: 'error',
      errorMessage: 'reranker timed out',
      tags: ['rag', 'beta'],
      input: [{ role: 'user', content: 'What is RAG?' }],
      output: [{ role: 'assistant', content: 'Retrieval-augmented generation.' }],
    });
    expect(body.observations[0]).toMatchObject({
      type: 'generation',
      usage: { inputTokens: 100, outputTokens: 20, totalTokens: 120 },
    });
    // gpt-4o: $2.50 input and $10 output per million tokens.
    expect(body.observations[0]!.cost).toBeCloseTo((100 * 2.5 + 20 * 10) / 1e6, 12);
  });

  it('joins an app span and the gateway call it made with traceparent into one trace', async () => {
    const tracer = provider.getTracer('support-bot');
    const root = tracer.startSpan('handle-ticket');
    const headers: Record<string, string> = {};
    new W3CTraceContextPropagator().inject(trace.setSpan(context.active(), root), headers, {
      set: (carrier, key, value) => {
        (carrier as Record<string, string>)[key] = value;
      },
    });
    const response = await fetch(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}`, ...headers },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(response.status).toBe(200);
    root.end();
    await provider.forceFlush();

    const { body } = await api<TraceDetail>(stack, `/api/traces/${root.spanContext().traceId}`);
    const gatewayRoot = body.observations.find((observation) => observation.name === 'chat.completions')!;
    expect(gatewayRoot.parentId).toBe(root.spanContext().spanId);
    expect(body.observations.map((observation) => observation.name)).toContain('handle-ticket');
    expect(body.observations.some((observation) => observation.type === 'generation')).toBe(true);
  });

  it('accepts gzip OTLP/JSON and reports the spans it refused (partial success)', async () => {
    const traceId = 'a1'.repeat(16);
    const span = (spanId: string, name: string) => ({
      traceId,
      spanId,
      name,
      startTimeUnixNano: '1750000000000000000',
      endTimeUnixNano: '1750000000250000000',
      attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } }],
    });
    const request = {
      resourceSpans: [{ scopeSpans: [{ spans: [span('b2'.repeat(8), 'good'), span('not-hex', 'bad')] }] }],
    };
    const response = await fetch(`${stack.url}/v1/traces`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        authorization: `Bearer ${masterKey}`,
      },
      body: gzipSync(JSON.stringify(request)),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedSpans).toBe('1');
    expect(answer.partialSuccess.errorMessage).toContain('spans[1]: invalid spanId');
    const { body } = await api<TraceDetail>(stack, `/api/traces/${traceId}`);
    expect(body.observations.map((observation) => observation.name)).toEqual(['good']);
    expect(body.trace.durationMs).toBe(250);
  });

  it('answers the JSON batch API per item', async () => {
    const response = await fetch(`${stack.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
      body: JSON.stringify({
        batch: [
          {
            type: 'generation',
            name: 'summarize',
            start_time: 1_750_000_000_000,
            end_time: 1_750_000_000_800,
            model: 'gpt-4o-mini',
            provider: 'openai',
            usage: { input_tokens: 10, output_tokens: 5 },
            user_id: 'bob',
          },
          { type: 'generation', start_time: 1_750_000_000_000 },
        ],
      }),
    });
    expect(response.status).toBe(207);
    const answer = (await response.json()) as {
      results: { status: string; trace_id?: string; param?: string }[];
    };
    expect(answer.results[0]!.status).toBe('accepted');
    expect(answer.results[1]).toMatchObject({ status: 'rejected', param: 'name' });
    const { body } = await api<TraceDetail>(stack, `/api/traces/${answer.results[0]!.trace_id}`);
    expect(body.trace).toMatchObject({ source: 'api', user: 'bob', model: 'gpt-4o-mini' });
  });

  it('exposes request and ingestion counters on /metrics', async () => {
    const response = await fetch(`${stack.url}/metrics`, {
      headers: { authorization: `Bearer ${masterKey}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(
      /gatehouse_requests_total\{endpoint="chat.completions",model="gpt-4o-mini",provider="up-openai",status="ok"\} 1/,
    );
    expect(text).toMatch(
      /gatehouse_request_duration_seconds_count\{model="gpt-4o-mini",provider="up-openai"\} 1/,
    );
    expect(text).toMatch(
      /gatehouse_tokens_total\{model="gpt-4o-mini",provider="up-openai",direction="input"\} \d+/,
    );
    expect(text).toMatch(/gatehouse_ingested_spans_total\{result="rejected"\} 2/);
    expect(text).toMatch(/gatehouse_telemetry_queue_depth \d+/);
    expect(text).toMatch(/gatehouse_telemetry_dropped_total 0/);
  });
});
