import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerSchema } from '../../config/schema.js';
import type { ChatCompletionChunk } from '../canonical.js';
import type { ProviderAdapter } from '../spec.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { readFixture } from './__fixtures__/read-fixture.js';
import { createGeminiAdapter } from './index.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

type Answer = (response: ServerResponse, closed: Promise<void>) => void | Promise<void>;

let server: Server;
let adapter: ProviderAdapter;
let answer: Answer;
let received: Received[];
let connections = 0;
const signal = new AbortController().signal;

function json(status: number, body: string): Answer {
  return (response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  };
}

function sseEvents(fixture: string): string[] {
  return readFixture(fixture)
    .split('\r\n\r\n')
    .filter((event) => event !== '')
    .map((event) => `${event}\r\n\r\n`);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

async function chatStream(
  request: Parameters<ProviderAdapter['chat']>[0],
): Promise<AsyncIterable<ChatCompletionChunk>> {
  const result = await adapter.chat({ ...request, stream: true }, { signal });
  if (result.kind !== 'stream') throw new Error('expected a stream');
  return result.stream;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    const closed = new Promise<void>((resolve) => response.on('close', resolve));
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
      });
      void answer(response, closed);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  adapter = createGeminiAdapter(
    providerSchema.parse({
      id: 'gemini-test',
      type: 'gemini',
      base_url: `http://127.0.0.1:${port}`,
      api_key: 'test-key',
      headers: { 'x-team': 'search' },
    }),
  );
});

afterAll(async () => {
  await adapter.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
});

describe('createGeminiAdapter: chat', () => {
  it('posts generateContent with the API key header and translates the answer', async () => {
    answer = json(200, readFixture('gemini-text.json'));
    const result = await adapter.chat(
      {
        model: 'gemini-3-pro-preview',
        messages: [
          { role: 'system', content: 'Be exact.' },
          { role: 'user', content: 'How many r in strawberry?' },
        ],
        max_tokens: 50,
      },
      { signal, headers: { traceparent: '00-abc-def-01' } },
    );
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/v1beta/models/gemini-3-pro-preview:generateContent',
      headers: {
        'x-goog-api-key': 'test-key',
        'x-team': 'search',
        traceparent: '00-abc-def-01',
        'content-type': 'application/json',
      },
      body: {
        systemInstruction: { parts: [{ text: 'Be exact.' }] },
        contents: [{ role: 'user', parts: [{ text: 'How many r in strawberry?' }] }],
        generationConfig: { maxOutputTokens: 50 },
      },
    });
    expect(result).toMatchObject({
      kind: 'response',
      warnings: [],
      response: {
        object: 'chat.completion',
        model: 'gemini-3-pro-preview',
        choices: [
          {
            message: { role: 'assistant', content: expect.stringContaining('3** r') },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 9, completion_tokens: 272, total_tokens: 281 },
      },
    });
  });

  it('streams from streamGenerateContent?alt=sse, yielding each chunk as its event arrives', async () => {
    const [first, ...rest] = sseEvents('gemini-text.sse.txt');
    const release = deferred();
    answer = async (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(first);
      // The rest is held back until the client has seen the first text: chunks must not be buffered.
      await release.promise;
      for (const event of rest) response.write(event);
      response.end();
    };
    const stream = await chatStream({
      model: 'gemini-3-pro-preview',
      messages: [{ role: 'user', content: 'Count' }],
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunk.choices[0]?.delta.content === 'There are **3**') release.resolve();
    }
    expect(received[0]?.url).toBe('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse');
    expect(received[0]?.headers.accept).toBe('text/event-stream');
    expect(
      chunks.map((chunk) => chunk.choices[0]?.delta.content ?? chunk.choices[0]?.finish_reason ?? 'usage'),
    ).toEqual(['', 'There are **3**', ' "r"s in strawberry.\n\nst**r**awbe**rr**y', 'stop', 'usage']);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 208 });
  });

  it('reads each stream to the end of its body, so the connection is reused', async () => {
    answer = async (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(sseEvents('gemini-tool-call.sse.txt').join(''));
      // The body ends a moment after the finishing event, as over a real network.
      await new Promise((resolve) => setTimeout(resolve, 20));
      response.end();
    };
    const before = connections;
    for (let call = 0; call < 3; call += 1) {
      const stream = await chatStream({
        model: 'gemini-3-pro-preview',
        messages: [{ role: 'user', content: 'Weather?' }],
      });
      const finishes: unknown[] = [];
      for await (const chunk of stream)
        finishes.push(...chunk.choices.map((choice) => choice.finish_reason).filter(Boolean));
      expect(finishes).toEqual(['tool_calls']);
    }
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('throws a retryable stream error when the body ends before finishReason', async () => {
    const events = sseEvents('gemini-text.sse.txt');
    answer = (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(events.slice(0, 2).join(''));
    };
    const stream = await chatStream({
      model: 'gemini-3-pro-preview',
      messages: [{ role: 'user', content: 'Count' }],
    });
    await expect(async () => {
      for await (const _chunk of stream) {
        // Drained until the error.
      }
    }).rejects.toMatchObject({
      name: 'UpstreamCallError',
      kind: 'stream',
      provider: 'gemini-test',
      isRetryable: true,
    });
  });

  it('cancels the upstream request when the consumer stops reading', async () => {
    const [first] = sseEvents('gemini-text.sse.txt');
    let upstreamClosed: Promise<void> = Promise.resolve();
    answer = (response, closed) => {
      upstreamClosed = closed;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(first);
    };
    const stream = await chatStream({
      model: 'gemini-3-pro-preview',
      messages: [{ role: 'user', content: 'Count' }],
    });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content !== undefined && chunk.choices[0].delta.content !== '') break;
    }
    await upstreamClosed;
  });

  it('maps a 429 quota error to a retryable UpstreamCallError with the Gemini status and retry delay', async () => {
    answer = json(429, readFixture('gemini-429.json'));
    let thrown: unknown;
    try {
      await adapter.chat(
        { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] },
        { signal },
      );
    } catch (error) {
      thrown = error;
    }
    expect(UpstreamCallError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      kind: 'http',
      status: 429,
      isRetryable: true,
      providerCode: 'RESOURCE_EXHAUSTED',
      retryAfterSeconds: 34.4,
      message: 'You exceeded your current quota, please check your plan.',
    });
  });
});

describe('createGeminiAdapter: embed', () => {
  it('posts batchEmbedContents and returns OpenAI embeddings', async () => {
    answer = json(200, readFixture('gemini-embeddings.json'));
    const result = await adapter.embed(
      { model: 'gemini-embedding-2', input: ['cat', 'dog'], dimensions: 2 },
      { signal },
    );
    expect(received[0]).toMatchObject({
      url: '/v1beta/models/gemini-embedding-2:batchEmbedContents',
      headers: { 'x-goog-api-key': 'test-key' },
      body: {
        requests: [
          {
            model: 'models/gemini-embedding-2',
            content: { parts: [{ text: 'cat' }] },
            outputDimensionality: 2,
          },
          {
            model: 'models/gemini-embedding-2',
            content: { parts: [{ text: 'dog' }] },
            outputDimensionality: 2,
          },
        ],
      },
    });
    expect(result).toEqual({
      response: {
        object: 'list',
        model: 'gemini-embedding-2',
        data: [
          { object: 'embedding', index: 0, embedding: [0.5138951, 0.857853] },
          { object: 'embedding', index: 1, embedding: [-0.5045317, -0.8633931] },
        ],
        usage: { prompt_tokens: 12, total_tokens: 12 },
      },
      warnings: [],
    });
  });

  it('sends more than 100 inputs as several calls and joins the answers', async () => {
    answer = (response) => {
      const body = received.at(-1)?.body as { requests: unknown[] };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          embeddings: body.requests.map((_, index) => ({ values: [received.length, index] })),
        }),
      );
    };
    const input = Array.from({ length: 150 }, (_, index) => `text ${index}`);
    const result = await adapter.embed({ model: 'text-embedding-004', input }, { signal });
    expect(received.map((call) => (call.body as { requests: unknown[] }).requests.length)).toEqual([100, 50]);
    expect(result.response.data).toHaveLength(150);
    expect(result.response.data[149]).toEqual({ object: 'embedding', index: 149, embedding: [2, 49] });
    expect(result.warnings.map((warning) => warning.param)).toEqual(['usage']);
  });

  it('refuses token arrays without calling Gemini', async () => {
    await expect(
      adapter.embed({ model: 'gemini-embedding-001', input: [[1, 2, 3]] }, { signal }),
    ).rejects.toMatchObject({ status: 400 });
    expect(received).toEqual([]);
  });
});
