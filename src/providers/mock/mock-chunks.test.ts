/**
 * The mock model's chunk sequence: OpenAI's order (role, small pieces, tool call header then argument
 * fragments, finish, usage), and it reassembles into exactly the completion it came from.
 */
import { encode } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatCompletionRequest, ToolCall } from '../canonical.js';
import { createMockCompletion, toMockChunks } from './mock-reply.js';

const ask = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'mock-gpt',
  messages: [{ role: 'user', content }],
  ...extra,
});

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' } },
      required: ['city'],
    },
  },
};

/** Folds a chunk sequence back into choices, the way SDK stream helpers do. */
function reassemble(chunks: ChatCompletionChunk[]) {
  const choices = new Map<number, { content: string; finish: string | null; calls: ToolCall[] }>();
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const state = choices.get(choice.index) ?? { content: '', finish: null, calls: [] };
      choices.set(choice.index, state);
      state.content += choice.delta.content ?? '';
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = state.calls[delta.index] ?? {
          id: '',
          type: 'function',
          function: { name: '', arguments: '' },
        };
        state.calls[delta.index] = call;
        call.id += delta.id ?? '';
        call.function.name += delta.function?.name ?? '';
        call.function.arguments += delta.function?.arguments ?? '';
      }
      state.finish = choice.finish_reason ?? state.finish;
    }
  }
  return [...choices.values()];
}

describe('toMockChunks', () => {
  it('streams role, small content pieces, finish, then usage — and reassembles exactly', () => {
    const completion = createMockCompletion(ask('Héllo 👋🏽 wörld, 日本語のテキスト! '.repeat(3)));
    const chunks = toMockChunks(completion, { includeUsage: true });
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(completion.usage);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    // Pieces are 3 tokens in context; re-encoded alone a piece may split into a couple more.
    for (const chunk of chunks.slice(1, -2))
      expect(encode(chunk.choices[0]?.delta.content ?? '').length).toBeLessThanOrEqual(6);
    expect(chunks.length).toBeGreaterThan(10);
    expect(reassemble(chunks)).toEqual([
      { content: completion.choices[0]?.message.content, finish: 'stop', calls: [] },
    ]);
    expect(toMockChunks(completion).some((chunk) => chunk.choices.length === 0 || 'usage' in chunk)).toBe(
      false,
    );
  });

  it('streams a tool call as an id/name chunk then argument fragments', () => {
    const completion = createMockCompletion(ask('x', { tools: [weatherTool], n: 2 }));
    const chunks = toMockChunks(completion);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          index: 0,
          id: expect.stringMatching(/^call_/) as string,
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
      ],
    });
    expect(chunks[1]?.choices[0]?.delta.tool_calls?.[0]).toEqual({
      index: 0,
      function: { arguments: expect.any(String) as string },
    });
    const rebuilt = reassemble(chunks);
    expect(rebuilt.map((choice) => choice.finish)).toEqual(['tool_calls', 'tool_calls']);
    expect(rebuilt.map((choice) => choice.calls)).toEqual(
      completion.choices.map((choice) => choice.message.tool_calls),
    );
  });
});
