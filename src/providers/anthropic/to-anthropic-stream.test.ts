import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionChunkChoice } from '../canonical.js';
import { collect, readFixture, replaySse } from './__fixtures__/read-fixture.js';
import { fromAnthropicStream, readAnthropicEvents } from './from-anthropic-stream.js';
import { toAnthropicMessage } from './to-anthropic-response.js';
import { toAnthropicEvents } from './to-anthropic-stream.js';

function chunk(
  delta: ChatCompletionChunkChoice['delta'],
  finishReason: ChatCompletionChunkChoice['finish_reason'] = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    object: 'chat.completion.chunk',
    created: 1_741_570_283,
    model: 'gpt-4o-2024-08-06',
    system_fingerprint: 'fp_eb9dce56a8',
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
}

/** An OpenAI stream in the shape OpenAI sends: text, then two parallel tool calls, then usage. */
const openAIChunks: ChatCompletionChunk[] = [
  chunk({ role: 'assistant', content: '', refusal: null }),
  chunk({ content: 'Checking' }),
  chunk({ content: ' both cities.' }),
  chunk({
    tool_calls: [
      { index: 0, id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '' } },
    ],
  }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] }),
  chunk({
    tool_calls: [
      { index: 1, id: 'call_rome', type: 'function', function: { name: 'get_weather', arguments: '' } },
    ],
  }),
  chunk({ tool_calls: [{ index: 1, function: { arguments: '{"location": "Rome"}' } }] }),
  chunk({}, 'tool_calls'),
  {
    ...chunk({}),
    choices: [],
    usage: {
      prompt_tokens: 150,
      completion_tokens: 42,
      total_tokens: 192,
      prompt_tokens_details: { cached_tokens: 128 },
    },
  },
];

async function* replay<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

describe('toAnthropicEvents: the event sequence', () => {
  it('opens and closes one block at a time and ends with message_delta and message_stop', async () => {
    const events = await collect(toAnthropicEvents(replay(openAIChunks), 'my-claude'));
    expect(
      events.map(({ event, data }) => {
        expect(data.type).toBe(event);
        return event;
      }),
    ).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]?.data).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
        type: 'message',
        role: 'assistant',
        model: 'my-claude',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    });
    expect(events[5]?.data).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'call_paris', name: 'get_weather', input: {} },
    });
    expect(events[6]?.data).toEqual({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: '{"location":' },
    });
    expect(events.at(-2)?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: 22,
        output_tokens: 42,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 128,
      },
    });
  });

  it('still produces a complete message for a stream without chunks', async () => {
    const events = await collect(toAnthropicEvents(replay([]), 'm'));
    expect(events.map((event) => event.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events[1]?.data).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 0 },
    });
  });

  it('rethrows a failure of the upstream stream for the route to report', async () => {
    async function* broken(): AsyncGenerator<ChatCompletionChunk> {
      yield await Promise.resolve(chunk({ content: 'partial' }));
      throw new Error('upstream reset');
    }
    await expect(collect(toAnthropicEvents(broken(), 'm'))).rejects.toThrow('upstream reset');
  });
});

describe('toAnthropicEvents and toAnthropicMessage, read by the official @anthropic-ai/sdk', () => {
  let server: Server;
  let client: Anthropic;
  let source: () => AsyncIterable<ChatCompletionChunk> = () => replay(openAIChunks);
  const completion: ChatCompletion = {
    id: 'chatcmpl-123',
    object: 'chat.completion',
    created: 1_741_570_283,
    model: 'gpt-4o-2024-08-06',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'call_paris',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
            },
          ],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 50, completion_tokens: 12, total_tokens: 62 },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.on('end', () => {
        void (async () => {
          const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
            model: string;
            stream?: boolean;
          };
          if (body.stream !== true) {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end(JSON.stringify(toAnthropicMessage(completion, body.model)));
            return;
          }
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          for await (const { event, data } of toAnthropicEvents(source(), body.model)) {
            response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
          }
          response.end();
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'x', maxRetries: 0 });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const params = {
    model: 'my-claude',
    max_tokens: 256,
    messages: [{ role: 'user' as const, content: 'Weather in Paris and Rome?' }],
  };

  it('messages.stream(): finalMessage() rebuilds text and tool_use blocks, stop reason and usage', async () => {
    source = () => replay(openAIChunks);
    const stream = client.messages.stream(params);
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts.join('')).toBe('Checking both cities.');
    expect(message).toMatchObject({
      id: 'msg_chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
      model: 'my-claude',
      role: 'assistant',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Checking both cities.' },
        { type: 'tool_use', id: 'call_paris', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'call_rome', name: 'get_weather', input: { location: 'Rome' } },
      ],
      usage: { input_tokens: 22, output_tokens: 42, cache_read_input_tokens: 128 },
    });
  });

  it('messages.create({ stream: true }) yields the raw events in Anthropic order', async () => {
    source = () => replay(openAIChunks);
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
  });

  it('messages.create() parses the non-streamed message', async () => {
    const message = await client.messages.create(params);
    expect(message).toEqual({
      id: 'msg_chatcmpl-123',
      type: 'message',
      role: 'assistant',
      model: 'my-claude',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_paris', name: 'get_weather', input: { location: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 50,
        output_tokens: 12,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it('the documented Anthropic tool-use stream survives the trip through OpenAI chunks and back', async () => {
    source = () =>
      fromAnthropicStream(
        readAnthropicEvents(replaySse(readFixture('stream-tool-use.sse.txt')), 'anthropic-test'),
        {
          provider: 'anthropic-test',
        },
      );
    const message = await client.messages.stream(params).finalMessage();
    expect(message).toMatchObject({
      id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: "Okay, let's check the weather for San Francisco, CA:" },
        {
          type: 'tool_use',
          id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
          name: 'get_weather',
          input: { location: 'San Francisco, CA', unit: 'fahrenheit' },
        },
      ],
      usage: { input_tokens: 472, output_tokens: 89 },
    });
  });
});
