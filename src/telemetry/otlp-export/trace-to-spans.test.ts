import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import type { ObservationRecord, TraceEvent } from '../model.js';
import { traceToSpans } from './trace-to-spans.js';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const base = {
  traceId,
  ttftMs: null,
  provider: null,
  model: null,
  status: 'ok' as const,
  httpStatus: null,
  usage: null,
  cost: null,
  errorMessage: null,
};
const usage = {
  inputTokens: 12,
  outputTokens: 30,
  totalTokens: 42,
  cachedInputTokens: null,
  estimated: false,
};

function event(parentId: string | null): TraceEvent {
  const observations: ObservationRecord[] = [
    {
      ...base,
      id: 'aaaaaaaaaaaaaaaa',
      parentId,
      type: 'span',
      name: 'chat.completions',
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_000_250.5,
      latencyMs: 250.5,
      status: 'error',
      httpStatus: 502,
      errorMessage: 'upstream failed',
      attributes: { requestId: 'req-1' },
    },
    {
      ...base,
      id: 'bbbbbbbbbbbbbbbb',
      parentId: 'aaaaaaaaaaaaaaaa',
      type: 'span',
      name: 'cache.lookup',
      startTime: 1_700_000_000_001,
      endTime: 1_700_000_000_002,
      latencyMs: 1,
      attributes: { result: 'miss', mode: 'exact', similarity: null, output: 'secret answer' },
    },
    {
      ...base,
      id: 'cccccccccccccccc',
      parentId: 'aaaaaaaaaaaaaaaa',
      type: 'generation',
      name: 'azure-east/gpt-4o',
      startTime: 1_700_000_000_003,
      endTime: 1_700_000_000_200,
      latencyMs: 197,
      provider: 'azure-east',
      model: 'gpt-4o',
      status: 'error',
      httpStatus: 503,
      errorMessage: 'overloaded',
      attributes: { providerType: 'azure', attempt: 1, failure: 'status', retryable: true },
    },
  ];
  return {
    trace: {
      id: traceId,
      requestId: 'req-1',
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_000_250.5,
      durationMs: 250.5,
      endpoint: 'chat.completions',
      model: 'smart',
      provider: 'azure-east',
      providerType: 'azure',
      upstreamModel: 'gpt-4o',
      status: 'error',
      httpStatus: 502,
      stream: false,
      user: 'alice@example.com',
      usage,
      cost: 0.0012,
      ttftMs: null,
      errorType: 'upstream_error',
      errorMessage: 'upstream failed',
      metadata: null,
      input: [{ role: 'user', content: 'secret question' }],
      output: null,
      warnings: [],
      tenantId: 'tenant-1',
      projectId: null,
      keyId: null,
      cacheHit: false,
      prompt: { name: 'support', version: 3, label: 'production', experimentId: null, variant: null },
    },
    observations,
  };
}

const resource = resourceFromAttributes({ 'service.name': 'gatehouse' });

describe('traceToSpans', () => {
  it('makes the request a SERVER span under the remote caller, with GenAI and gatehouse attributes', () => {
    const [request] = traceToSpans(event('1111111111111111'), resource, { name: 'gatehouse' });
    expect(request!.name).toBe('chat smart');
    expect(request!.kind).toBe(SpanKind.SERVER);
    expect(request!.spanContext()).toMatchObject({ traceId, spanId: 'aaaaaaaaaaaaaaaa' });
    expect(request!.parentSpanContext).toMatchObject({ traceId, spanId: '1111111111111111', isRemote: true });
    expect(request!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
    expect(request!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.system': 'azure.ai.openai',
      'gen_ai.request.model': 'smart',
      'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 30,
      'http.response.status_code': 502,
      'error.type': 'upstream_error',
      'gatehouse.request_id': 'req-1',
      'gatehouse.endpoint': 'chat.completions',
      'gatehouse.status': 'error',
      'gatehouse.stream': false,
      'gatehouse.provider': 'azure-east',
      'gatehouse.cost_usd': 0.0012,
      'gatehouse.tenant_id': 'tenant-1',
      'gatehouse.cache_hit': false,
      'gatehouse.prompt.name': 'support',
      'gatehouse.prompt.version': 3,
    });
    expect(request!.endTime).toEqual([1_700_000_000, 250_500_000]);
  });

  it('has no parent without traceparent; children are INTERNAL or GenAI CLIENT spans, without content', () => {
    const spans = traceToSpans(event(null), resource, { name: 'gatehouse' });
    expect(spans[0]!.parentSpanContext).toBeUndefined();
    const [, lookup, attempt] = spans;
    expect(lookup!.kind).toBe(SpanKind.INTERNAL);
    expect(lookup!.name).toBe('cache.lookup');
    expect(lookup!.parentSpanContext).toMatchObject({ spanId: 'aaaaaaaaaaaaaaaa', isRemote: false });
    expect(lookup!.attributes).toEqual({
      'gatehouse.result': 'miss',
      'gatehouse.mode': 'exact',
      'gatehouse.observation.type': 'span',
    });
    expect(attempt!.kind).toBe(SpanKind.CLIENT);
    expect(attempt!.name).toBe('chat gpt-4o');
    expect(attempt!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt!.attributes).toMatchObject({
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.request.model': 'gpt-4o',
      'error.type': 'status',
      'http.response.status_code': 503,
      'gatehouse.attempt': 1,
      'gatehouse.retryable': true,
    });
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toMatch(/secret|alice/);
  });
});
