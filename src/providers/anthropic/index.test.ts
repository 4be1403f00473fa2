import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerSchema } from '../../config/schema.js';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../canonical.js';
import type { ProviderAdapter } from '../spec.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { collect, readFixture } from './__fixtures__/read-fixture.js';
import { createAnthropicAdapter } from './index.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

type Answer = (response: ServerResponse) => void | Promise<void>;

let server: Server;
let baseUrl: string;
let adapter: ProviderAdapter;
let answer: Answer;
let received: Received[];
let connections = 0;
const signal = new AbortController().signal;

function json(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return (response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body);
  };
}

function sse(body: string): Answer {
  return async (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    // Event by event, as Anthropic sends them, then the end of the body a moment later.
    for (const event of body.split('\n\n').filter((part) => part.trim() !== ''))
      response.write(`${event}\n\n`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    response.end();
  };
}

async function failure(promise: Promise<unknown>): Promise<UpstreamCallError> {
  try {
    await promise;
  } catch (error) {
    if (UpstreamCallError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('the call did not fail');
}

async function chatStream(
  request: ChatCompletionRequest,
  target = adapter,
): Promise<AsyncIterable<ChatCompletionChunk>> {
  const result = await target.chat({ ...request, stream: true }, { signal });
  if (result.kind !== 'stream') throw new Error('expected a stream');
  return result.stream;
}

function createAdapter(overrides: Record<string, unknown> = {}): ProviderAdapter {
  return createAnthropicAdapter(
    providerSchema.parse({
      id: 'anthropic-test',
      type: 'anthropic',
      base_url: baseUrl,
      api_key: 'sk-ant-test',
      headers: { 'x-team': 'search' },
      ...overrides,
    }),
  );
}

const weatherRequest: ChatCompletionRequest = {
  model: 'claude-opus-4-6',
  messages: [
    { role: 'system', content: 'Be exact.' },
    { role: 'user', content: 'What is the weather like in San Francisco?' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { location: { type: 'string' } } },
      },
    },
  ],
  tool_choice: 'required',
};

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
      });
      void answer(response);
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  adapter = createAdapter();
});

afterAll(async () => {
  await adapter.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
});

describe('createAnthropicAdapter: chat', () => {
  it('posts /v1/messages with the API key and version headers, and translates the answer', async () => {
    answer = json(200, readFixture('response-tool-use.json'));
    const result = await adapter.chat(weatherRequest, { signal, headers: { traceparent: '00-abc-def-01' } });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/v1/messages',
      headers: {
        'x-api-key': 'sk-ant-test',
        'anthropic-version': '2023-06-01',
        'x-team': 'search',
        traceparent: '00-abc-def-01',
        'content-type': 'application/json',
      },
    });
    expect(received[0]?.headers.authorization).toBeUndefined();
    expect(received[0]?.body).toEqual({
      model: 'claude-opus-4-6',
      system: 'Be exact.',
      messages: [{ role: 'user', content: 'What is the weather like in San Francisco?' }],
      max_tokens: 4096,
      tools: [
        {
          name: 'get_weather',
          input_schema: { type: 'object', properties: { location: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any' },
    });
    expect(result).toMatchObject({
      kind: 'response',
      warnings: [{ param: 'max_tokens' }],
      response: {
        id: 'msg_01GCBaV8gyWAYgMVggRqZbuQ',
        object: 'chat.completion',
        choices: [
          {
            finish_reason: 'tool_calls',
            message: { tool_calls: [{ function: { name: 'updateIssueList', arguments: '{}' } }] },
          },
        ],
        usage: { prompt_tokens: 602, completion_tokens: 93, total_tokens: 695 },
      },
    });
  });

  it('honours api_version and a base_url with a path prefix', async () => {
    const proxied = createAdapter({ base_url: `${baseUrl}/anthropic`, api_version: '2024-01-01' });
    answer = json(200, readFixture('response-tool-use.json'));
    await proxied.chat({ ...weatherRequest, max_tokens: 10 }, { signal });
    await proxied.close();
    expect(received[0]).toMatchObject({
      url: '/anthropic/v1/messages',
      headers: { 'anthropic-version': '2024-01-01' },
    });
  });

  it('streams: asks for text/event-stream with stream: true and yields the translated chunks', async () => {
    answer = sse(readFixture('stream-tool-use.sse.txt'));
    const chunks = await collect(await chatStream({ ...weatherRequest, max_tokens: 1024 }));
    expect(received[0]?.headers.accept).toBe('text/event-stream');
    expect(received[0]?.body).toMatchObject({ stream: true, max_tokens: 1024 });
    const argumentsText = chunks
      .flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
      .map((call) => call.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(argumentsText)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89 });
  });

  it('reads each stream to the end of its body, so the connection is reused', async () => {
    answer = sse(readFixture('stream-text.sse.txt'));
    const before = connections;
    for (let call = 0; call < 3; call += 1) {
      const text = (await collect(await chatStream({ ...weatherRequest, max_tokens: 10 })))
        .map((chunk) => chunk.choices[0]?.delta.content ?? '')
        .join('');
      expect(text).toBe('Hello!');
    }
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('cancels the upstream request when the consumer stops before message_stop', async () => {
    let upstreamClosed: Promise<void> = Promise.resolve();
    answer = (response) => {
      upstreamClosed = new Promise((resolve) => response.on('close', resolve));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // Only the start of the message; the rest would never come.
      response.write(readFixture('stream-text.sse.txt').split('event: content_block_stop')[0] ?? '');
    };
    for await (const chunk of await chatStream({ ...weatherRequest, max_tokens: 10 })) {
      if (chunk.choices[0]?.delta.content === 'Hello') break;
    }
    await upstreamClosed;
  });

  it('throws a retryable stream error when the body ends before message_stop', async () => {
    answer = sse(readFixture('stream-tool-use.sse.txt').split('event: message_delta')[0] ?? '');
    const stream = await chatStream({ ...weatherRequest, max_tokens: 10 });
    const error = await failure(collect(stream));
    expect(error).toMatchObject({ kind: 'stream', provider: 'anthropic-test', isRetryable: true });
  });

  it('throws the error event Anthropic sends inside a stream', async () => {
    const start = readFixture('stream-text.sse.txt').split('event: content_block_start')[0] ?? '';
    answer = sse(
      `${start}event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n`,
    );
    const error = await failure(collect(await chatStream({ ...weatherRequest, max_tokens: 10 })));
    expect(error).toMatchObject({
      kind: 'stream',
      message: 'Overloaded',
      providerCode: 'overloaded_error',
      isRetryable: true,
    });
  });

  it('turns a 429 with retry-after into a retryable UpstreamCallError', async () => {
    answer = json(
      429,
      '{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}',
      { 'retry-after': '7' },
    );
    const error = await failure(adapter.chat({ ...weatherRequest, max_tokens: 10 }, { signal }));
    expect(error).toMatchObject({
      kind: 'http',
      status: 429,
      provider: 'anthropic-test',
      providerCode: 'rate_limit_error',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
      retryAfterSeconds: 7,
      isRetryable: true,
    });
  });

  it('reports a 400 as not retryable, with Anthropic’s message', async () => {
    answer = json(
      400,
      '{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: 100000 > 64000"}}',
    );
    const error = await failure(adapter.chat({ ...weatherRequest, max_tokens: 100_000 }, { signal }));
    expect(error).toMatchObject({
      status: 400,
      isRetryable: false,
      providerCode: 'invalid_request_error',
      message: 'max_tokens: 100000 > 64000',
    });
  });

  it('rejects a 200 body that is not an Anthropic message as an invalid response', async () => {
    answer = json(200, '{"id":"msg_1","type":"message","role":"assistant"}');
    const error = await failure(adapter.chat({ ...weatherRequest, max_tokens: 10 }, { signal }));
    expect(error).toMatchObject({ kind: 'invalid_response', isRetryable: false });
  });
});

describe('createAnthropicAdapter: JSON mode', () => {
  const place = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
  const jsonRequest: ChatCompletionRequest = {
    model: 'claude-opus-4-6',
    messages: [{ role: 'user', content: 'Where is the Louvre?' }],
    max_tokens: 100,
    response_format: { type: 'json_schema', json_schema: { name: 'place', schema: place, strict: true } },
  };

  /** An SSE body of the given events, each named by its type as Anthropic does. */
  function events(...items: object[]): string {
    return items
      .map((data) => `event: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`)
      .join('');
  }

  it('sends json_schema as a forced json_response tool and answers with its input as the content', async () => {
    answer = json(
      200,
      JSON.stringify({
        id: 'msg_json',
        type: 'message',
        role: 'assistant',
        model: 'claude-opus-4-6',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'json_response', input: { city: 'Paris' } }],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 410, output_tokens: 12 },
      }),
    );
    const result = await adapter.chat(jsonRequest, { signal });
    expect(received[0]?.body).toEqual({
      model: 'claude-opus-4-6',
      messages: [{ role: 'user', content: 'Where is the Louvre?' }],
      max_tokens: 100,
      tools: [{ name: 'json_response', description: expect.any(String), input_schema: place }],
      tool_choice: { type: 'tool', name: 'json_response', disable_parallel_tool_use: true },
    });
    expect(result).toMatchObject({
      kind: 'response',
      warnings: [{ param: 'response_format' }],
      response: {
        choices: [{ message: { role: 'assistant', content: '{"city":"Paris"}' }, finish_reason: 'stop' }],
      },
    });
    if (result.kind !== 'response') throw new Error('expected a response');
    expect(result.response.choices[0]?.message).not.toHaveProperty('tool_calls');
  });

  it('streams the answer to a wrapped (array) schema as content, unwrapped', async () => {
    const cities = { type: 'array', items: { type: 'string' } };
    answer = sse(
      events(
        {
          type: 'message_start',
          message: {
            id: 'msg_json',
            model: 'claude-opus-4-6',
            usage: { input_tokens: 410, output_tokens: 1 },
          },
        },
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'json_response', input: {} },
        },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{"value": ["Pa' },
        },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: 'ris", "Rome"]}' },
        },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 14 } },
        { type: 'message_stop' },
      ),
    );
    const chunks = await collect(
      await chatStream({
        ...jsonRequest,
        response_format: { type: 'json_schema', json_schema: { name: 'cities', schema: cities } },
      }),
    );
    expect(received[0]?.body).toMatchObject({
      stream: true,
      tools: [
        {
          name: 'json_response',
          input_schema: { type: 'object', properties: { value: cities }, required: ['value'] },
        },
      ],
    });
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(JSON.parse(content)).toEqual(['Paris', 'Rome']);
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined)).toBe(false);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });
});

describe('createAnthropicAdapter: embed', () => {
  it('fails with a 400 UpstreamCallError: Anthropic has no embeddings API', async () => {
    const error = await failure(adapter.embed({ model: 'claude-opus-4-6', input: 'hello' }, { signal }));
    expect(error).toMatchObject({
      kind: 'http',
      status: 400,
      isRetryable: false,
      provider: 'anthropic-test',
    });
    expect(error.message).toContain('no embeddings API');
    expect(received).toHaveLength(0);
  });
});
