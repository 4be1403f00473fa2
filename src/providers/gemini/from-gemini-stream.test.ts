import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../canonical.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { collect, readFixture, replaySse } from './__fixtures__/read-fixture.js';
import { fromGeminiStream } from './from-gemini-stream.js';

const context = { provider: 'gemini-test', model: 'gemini-requested' };

/** The choices of each chunk, without the envelope repeated on every chunk. */
function deltas(chunks: ChatCompletionChunk[]): unknown[] {
  return chunks.map((chunk) => (chunk.choices.length > 0 ? chunk.choices : { usage: chunk.usage }));
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

describe('fromGeminiStream (recorded streams)', () => {
  it('turns a text stream into a role chunk, text deltas, a finish chunk and a usage chunk', async () => {
    const chunks = await collect(fromGeminiStream(replaySse(readFixture('gemini-text.sse.txt')), context));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: 'bH6LaZW8Fp_3nsEPqtaSwQ4',
        object: 'chat.completion.chunk',
        model: 'gemini-3-pro-preview',
      });
    }
    expect(deltas(chunks)).toEqual([
      [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      [{ index: 0, delta: { content: 'There are **3**' }, finish_reason: null }],
      [{ index: 0, delta: { content: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' }, finish_reason: null }],
      [{ index: 0, delta: {}, finish_reason: 'stop' }],
      {
        usage: {
          prompt_tokens: 9,
          completion_tokens: 208,
          total_tokens: 217,
          completion_tokens_details: { reasoning_tokens: 185 },
        },
      },
    ]);
  });

  it('sends a whole function call as one tool_calls delta and finishes with tool_calls', async () => {
    const chunks = await collect(
      fromGeminiStream(replaySse(readFixture('gemini-tool-call.sse.txt'), 5), context),
    );
    expect(deltas(chunks)).toEqual([
      [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
                type: 'function',
                function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
              },
            ],
          },
          finish_reason: null,
        },
      ],
      // The finishing event holds only an empty text part: the earlier call decides the reason.
      [{ index: 0, delta: {}, finish_reason: 'tool_calls' }],
      {
        usage: {
          prompt_tokens: 29,
          completion_tokens: 60,
          total_tokens: 89,
          completion_tokens_details: { reasoning_tokens: 45 },
        },
      },
    ]);
  });

  it('throws a content_filter error when the prompt is blocked', async () => {
    const error = await failure(
      fromGeminiStream(replaySse(readFixture('gemini-prompt-blocked.sse.txt')), context),
    );
    expect(error).toMatchObject({ status: 400, providerCode: 'content_filter', isRetryable: false });
  });

  it('throws a retryable stream error when the body ends before finishReason', async () => {
    const cut =
      readFixture('gemini-text.sse.txt').split('\r\n\r\n').slice(0, 2).join('\r\n\r\n') + '\r\n\r\n';
    const received: ChatCompletionChunk[] = [];
    let thrown: unknown;
    try {
      for await (const chunk of fromGeminiStream(replaySse(cut), context)) received.push(chunk);
    } catch (error) {
      thrown = error;
    }
    expect(received).toHaveLength(3);
    expect(thrown).toMatchObject({
      kind: 'stream',
      isRetryable: true,
      message: expect.stringContaining('finishReason'),
    });
  });
});

describe('fromGeminiStream (shapes without a recording)', () => {
  it('keeps separate tool-call indexes and finish reasons per candidate', async () => {
    const events = [
      {
        candidates: [
          {
            content: { parts: [{ functionCall: { name: 'a', args: {} } }, { functionCall: { name: 'b' } }] },
            index: 0,
          },
          { content: { parts: [{ text: 'x' }] }, index: 1 },
        ],
      },
      {
        candidates: [
          { content: { parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 },
          { finishReason: 'MAX_TOKENS', index: 1 },
        ],
      },
    ];
    const sse = events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join('');
    const chunks = await collect(fromGeminiStream(replaySse(sse), context));
    const choices = chunks.flatMap((chunk) => chunk.choices);
    expect(
      choices
        .flatMap((choice) => choice.delta.tool_calls ?? [])
        .map((call) => [call.index, call.function?.name, call.function?.arguments]),
    ).toEqual([
      [0, 'a', '{}'],
      [1, 'b', '{}'],
    ]);
    expect(
      choices
        .filter((choice) => choice.finish_reason !== null)
        .map((choice) => [choice.index, choice.finish_reason]),
    ).toEqual([
      [0, 'tool_calls'],
      [1, 'length'],
    ]);
    // No usageMetadata in the stream: no usage chunk is invented.
    expect(chunks.at(-1)?.choices).not.toEqual([]);
  });

  it('turns a mid-stream error event into an UpstreamCallError with the Gemini status', async () => {
    const sse =
      'data: {"candidates":[{"content":{"parts":[{"text":"Hel"}]},"index":0}]}\r\n\r\n' +
      'data: {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}\r\n\r\n';
    const error = await failure(fromGeminiStream(replaySse(sse), context));
    expect(error).toMatchObject({
      kind: 'stream',
      providerCode: 'UNAVAILABLE',
      isRetryable: true,
      message: 'The model is overloaded. Please try again later.',
    });
  });
});
