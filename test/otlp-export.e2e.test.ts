/**
 * The gateway's own spans over OTLP (`telemetry.otlp_export`): a local collector decodes the protobuf
 * export (with Gatehouse's own OTLP reader) and finds the request span, inside the caller's trace
 * (the incoming `traceparent`), with GenAI attributes, tokens and cost, its attempt as a child; spans
 * still queued at shutdown are exported by the graceful close; a dead collector costs the requests
 * nothing and the spans it could not take are dropped and counted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeOtlpProtobuf,
  readOtlpRequest,
  type OtlpSpan,
} from '../src/telemetry/otlp-ingest/read-otlp-request.js';
import { masterKey, startStack, type Stack } from './helpers/stack.js';

interface Collector {
  url: string;
  spans: OtlpSpan[];
  requests: { contentType: string | undefined; authorization: string | undefined }[];
  close(): Promise<void>;
}

async function startCollector(): Promise<Collector> {
  const spans: OtlpSpan[] = [];
  const requests: Collector['requests'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        contentType: request.headers['content-type'],
        authorization: request.headers.authorization,
      });
      spans.push(...readOtlpRequest(decodeOtlpProtobuf(Buffer.concat(chunks))).spans);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function chat(stack: Stack, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi there' }] }),
  });
}

const exportConfig = (endpoint: string, extra: Record<string, unknown> = {}) => ({
  telemetry: {
    flush_interval_ms: 10,
    otlp_export: {
      endpoint,
      headers: { authorization: 'Bearer collector-token' },
      flush_interval_ms: 20,
      ...extra,
    },
  },
});

describe('OTLP export of gateway spans', () => {
  let collector: Collector;
  let stack: Stack;

  beforeAll(async () => {
    collector = await startCollector();
    stack = await startStack({ config: exportConfig(collector.url) });
  });
  afterAll(async () => {
    await stack.close();
    await collector.close();
  });

  it("exports the request span into the caller's trace with GenAI attributes, and its attempt", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const appSpanId = '00f067aa0ba902b7';
    const response = await chat(stack, { traceparent: `00-${traceId}-${appSpanId}-01` });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gatehouse-trace-id')).toBe(traceId);

    await expect.poll(() => collector.spans.filter((span) => span.traceId === traceId).length).toBe(2);
    const spans = collector.spans.filter((span) => span.traceId === traceId);
    const request = spans.find((span) => span.parentSpanId === appSpanId)!;
    expect(request.name).toBe('chat gpt-4o-mini');
    expect(request.resource['service.name']).toBe('gatehouse');
    expect(request.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gatehouse.provider': 'up-openai',
      'gatehouse.status': 'ok',
      'http.response.status_code': 200,
    });
    expect(request.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(request.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(request.attributes['gatehouse.cost_usd']).toBeGreaterThan(0);
    // Content stays in the store: no messages leave with the spans.
    expect(JSON.stringify(spans)).not.toContain('Hi there');

    const attempt = spans.find((span) => span.parentSpanId === request.spanId)!;
    expect(attempt.name).toBe('chat gpt-4o-mini');
    expect(attempt.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o-mini',
      'gatehouse.provider': 'up-openai',
      'gatehouse.attempt': 1,
    });
    expect(attempt.attributes['gen_ai.usage.input_tokens']).toBe(
      request.attributes['gen_ai.usage.input_tokens'],
    );
    expect(collector.requests[0]).toEqual({
      contentType: 'application/x-protobuf',
      authorization: 'Bearer collector-token',
    });
  });

  it('starts a new trace (a root span) when the request carries no traceparent', async () => {
    const response = await chat(stack);
    const traceId = response.headers.get('x-gatehouse-trace-id')!;
    await expect.poll(() => collector.spans.filter((span) => span.traceId === traceId).length).toBe(2);
    const root = collector.spans.find((span) => span.traceId === traceId && span.parentSpanId === null);
    expect(root?.name).toBe('chat gpt-4o-mini');
  });
});

describe('OTLP export at shutdown and with a dead collector', () => {
  it('exports spans still queued when the gateway shuts down', async () => {
    const collector = await startCollector();
    // A flush period longer than the test: only the graceful close can send them.
    const stack = await startStack({
      config: exportConfig(collector.url, { flush_interval_ms: 600_000 }),
    });
    const response = await chat(stack);
    const traceId = response.headers.get('x-gatehouse-trace-id')!;
    expect(collector.spans).toHaveLength(0);
    await stack.close();
    expect(collector.spans.filter((span) => span.traceId === traceId)).toHaveLength(2);
    await collector.close();
  });

  it('answers every request while the collector is down, and counts the spans it dropped', async () => {
    const collector = await startCollector();
    const deadUrl = collector.url;
    await collector.close();
    const stack = await startStack({ config: exportConfig(deadUrl, { max_queue: 2, timeout_ms: 500 }) });
    try {
      for (let index = 0; index < 5; index++) expect((await chat(stack)).status).toBe(200);
      const metrics = await (
        await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${masterKey}` } })
      ).text();
      const dropped = /^gatehouse_otlp_export_dropped_total (\d+)/m.exec(metrics);
      expect(Number(dropped?.[1])).toBeGreaterThanOrEqual(3);
      expect(metrics).toMatch(/^gatehouse_otlp_export_queue_depth [12]$/m);
    } finally {
      await stack.close();
    }
  });
});
