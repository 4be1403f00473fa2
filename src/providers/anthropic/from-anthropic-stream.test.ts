import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../canonical.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { collect, readFixture, replaySse } from './__fixtures__/read-fixture.js';
import { fromAnthropicStream, readAnthropicEvents } from './from-anthropic-stream.js';
import { jsonResponseToolName } from './json-mode.js';

const provider = 'anthropic-test';

function translate(sse: string, sliceBytes?: number): AsyncIterable<ChatCompletionChunk> {
  return fromAnthropicStream(readAnthropicEvents(replaySse(sse, sliceBytes), provider), { provider });
}

/** The choices of each chunk, without the envelope repeated on every chunk. */
function deltas(chunks: ChatCompletionChunk[]): unknown[] {
  return chunks.map((chunk) => (chunk.choices.length > 0 ? chunk.choices[0] : { usage: chunk.usage }));
}

async function failure(iterable: AsyncIterable<unknown>): Promise<UpstreamCallError> {
  try {
    await collect(iterable);
  } catch (error) {
    if (UpstreamCallError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('the stream did not fail');
}

function sse(...events: object[]): string {
  return events
    .map((data) => `event: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`)
    .join('');
}

const start = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content: [],
    usage: { input_tokens: 3, output_tokens: 1 },
  },
};
const stop = [
  {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 2 },
  },
  { type: 'message_stop' },
];

describe('fromAnthropicStream (documented Anthropic streams)', () => {
  it('turns the basic text stream into a role chunk, text deltas, a finish chunk and a usage chunk', async () => {
    const chunks = await collect(translate(readFixture('stream-text.sse.txt')));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
        object: 'chat.completion.chunk',
        model: 'claude-opus-4-6',
      });
      expect(chunk.created).toBeGreaterThan(1_700_000_000);
    }
    expect(deltas(chunks)).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
      { index: 0, delta: { content: 'Hello' }, finish_reason: null },
      { index: 0, delta: { content: '!' }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: 'stop' },
      {
        usage: {
          prompt_tokens: 25,
          completion_tokens: 15,
          total_tokens: 40,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
    ]);
  });

  it('streams a tool_use block as one OpenAI tool call with argument fragments', async () => {
    const chunks = await collect(translate(readFixture('stream-tool-use.sse.txt'), 11));
    const all = deltas(chunks);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe("Okay, let's check the weather for San Francisco, CA:");

    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    // The empty first fragment is not forwarded; every other fragment is, in order, on tool index 0.
    expect(toolDeltas.slice(1)).toEqual(
      ['{"location":', ' "San', ' Francisc', 'o,', ' CA"', ',', ' "unit": "fah', 'renheit"}'].map(
        (fragment) => ({
          index: 0,
          function: { arguments: fragment },
        }),
      ),
    );
    const argumentsText = toolDeltas.map((delta) => delta.function?.arguments ?? '').join('');
    expect(JSON.parse(argumentsText)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });

    expect(all.at(-2)).toEqual({ index: 0, delta: {}, finish_reason: 'tool_calls' });
    expect(all.at(-1)).toEqual({
      usage: {
        prompt_tokens: 472,
        completion_tokens: 89,
        total_tokens: 561,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
  });

  it('forwards the answer of an extended-thinking stream, not the thinking, and tolerates missing usage', async () => {
    const chunks = await collect(translate(readFixture('stream-thinking.sse.txt')));
    expect(deltas(chunks)).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
      {
        index: 0,
        delta: { content: 'The greatest common divisor of 1071 and 462 is **21**.' },
        finish_reason: null,
      },
      { index: 0, delta: {}, finish_reason: 'stop' },
      {
        usage: {
          prompt_tokens: 0,
          completion_tokens: 0,
          total_tokens: 0,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
    ]);
  });
});

describe('fromAnthropicStream (edge cases)', () => {
  it('throws a stream error when the body ends before message_stop', async () => {
    const cut = readFixture('stream-tool-use.sse.txt').split('event: message_delta')[0] ?? '';
    const error = await failure(translate(cut));
    expect(error).toMatchObject({ kind: 'stream', provider, isRetryable: true });
  });

  it('throws the upstream error of an `error` event, retryable when Anthropic is overloaded', async () => {
    const body = sse(start, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const error = await failure(translate(body));
    expect(error).toMatchObject({
      kind: 'stream',
      message: 'Overloaded',
      providerCode: 'overloaded_error',
      isRetryable: true,
    });
  });

  it('rejects a malformed known event as an invalid response', async () => {
    const error = await failure(
      translate(sse(start, { type: 'content_block_delta', delta: { type: 'text_delta', text: 'x' } })),
    );
    expect(error).toMatchObject({ kind: 'invalid_response', isRetryable: false });
  });

  it('skips event, block and delta types it does not know (Anthropic versioning policy)', async () => {
    const chunks = await collect(
      translate(
        sse(
          start,
          { type: 'future_event', anything: 1 },
          {
            type: 'content_block_start',
            index: 0,
            content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
          },
          {
            type: 'content_block_delta',
            index: 0,
            delta: { type: 'input_json_delta', partial_json: '{"q":1}' },
          },
          { type: 'content_block_stop', index: 0 },
          { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 1, delta: { type: 'future_delta', value: 1 } },
          { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Done.' } },
          { type: 'content_block_stop', index: 1 },
          ...stop,
        ),
      ),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Done.' },
      {},
      null,
    ]);
  });

  it('gives a parameterless tool call `{}` arguments and numbers tool calls among tool blocks only', async () => {
    const chunks = await collect(
      translate(
        sse(
          start,
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Sure.' } },
          { type: 'content_block_stop', index: 0 },
          {
            type: 'content_block_start',
            index: 1,
            content_block: { type: 'tool_use', id: 'toolu_a', name: 'refresh', input: {} },
          },
          { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
          { type: 'content_block_stop', index: 1 },
          {
            type: 'content_block_start',
            index: 2,
            content_block: { type: 'tool_use', id: 'toolu_b', name: 'lookup', input: {} },
          },
          {
            type: 'content_block_delta',
            index: 2,
            delta: { type: 'input_json_delta', partial_json: '{"id":7}' },
          },
          { type: 'content_block_stop', index: 2 },
          {
            type: 'message_delta',
            delta: { stop_reason: 'tool_use' },
            usage: { output_tokens: 30, input_tokens: 9, cache_read_input_tokens: 100 },
          },
          { type: 'message_stop' },
        ),
      ),
    );
    expect(deltas(chunks).slice(1)).toEqual([
      { index: 0, delta: { content: 'Sure.' }, finish_reason: null },
      {
        index: 0,
        delta: {
          tool_calls: [
            { index: 0, id: 'toolu_a', type: 'function', function: { name: 'refresh', arguments: '' } },
          ],
        },
        finish_reason: null,
      },
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, finish_reason: null },
      {
        index: 0,
        delta: {
          tool_calls: [
            { index: 1, id: 'toolu_b', type: 'function', function: { name: 'lookup', arguments: '' } },
          ],
        },
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 1, function: { arguments: '{"id":7}' } }] },
        finish_reason: null,
      },
      { index: 0, delta: {}, finish_reason: 'tool_calls' },
      // message_delta's cumulative counts win over message_start's; cache reads count as prompt tokens.
      {
        usage: {
          prompt_tokens: 109,
          completion_tokens: 30,
          total_tokens: 139,
          prompt_tokens_details: { cached_tokens: 100 },
        },
      },
    ]);
  });
});

describe('fromAnthropicStream (JSON mode sent as the forced json_response tool)', () => {
  function jsonStream(fragments: string[], stopReason = 'tool_use'): string {
    return sse(
      start,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 'toolu_1', name: jsonResponseToolName, input: {} },
      },
      ...['', ...fragments].map((partial_json) => ({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json },
      })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: stopReason }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    );
  }

  function translateJson(body: string, wrapped: boolean): AsyncIterable<ChatCompletionChunk> {
    return fromAnthropicStream(readAnthropicEvents(replaySse(body), provider), {
      provider,
      jsonResponse: { wrapped },
    });
  }

  it('streams the tool’s argument fragments as content and finishes with stop, without tool calls', async () => {
    const chunks = await collect(translateJson(jsonStream(['{"city":', ' "Paris"', '}']), false));
    expect(deltas(chunks)).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
      { index: 0, delta: { content: '{"city":' }, finish_reason: null },
      { index: 0, delta: { content: ' "Paris"' }, finish_reason: null },
      { index: 0, delta: { content: '}' }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: 'stop' },
      {
        usage: {
          prompt_tokens: 3,
          completion_tokens: 9,
          total_tokens: 12,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      },
    ]);
  });

  it('sends a wrapped answer once, unwrapped, when its block ends', async () => {
    const chunks = await collect(translateJson(jsonStream(['{"value": ["Par', 'is", "Rome"]}']), true));
    expect(deltas(chunks).slice(1, -1)).toEqual([
      { index: 0, delta: { content: '["Paris","Rome"]' }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: 'stop' },
    ]);
  });

  it('sends what there is of a wrapped answer cut by max_tokens, finishing with length', async () => {
    const chunks = await collect(translateJson(jsonStream(['{"value": ["Par'], 'max_tokens'), true));
    expect(deltas(chunks).slice(1, -1)).toEqual([
      { index: 0, delta: { content: '["Par' }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: 'length' },
    ]);
  });
});
