import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../canonical.js';
import { readJsonFixture } from './__fixtures__/read-fixture.js';
import { anthropicMessageSchema } from './api.js';
import { fromAnthropicResponse } from './from-anthropic-response.js';
import { toAnthropicMessage } from './to-anthropic-response.js';

function completion(
  message: ChatCompletion['choices'][number]['message'],
  extra: Partial<ChatCompletion> = {},
): ChatCompletion {
  return {
    id: 'chatcmpl-abc123',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 120,
      completion_tokens: 30,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 100 },
    },
    ...extra,
  };
}

describe('toAnthropicMessage', () => {
  it('answers an OpenAI completion as an Anthropic message under the client-facing model name', () => {
    const message = toAnthropicMessage(completion({ role: 'assistant', content: 'Hello!' }), 'my-claude');
    expect(message).toEqual({
      id: 'msg_chatcmpl-abc123',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello!' }],
      model: 'my-claude',
      stop_reason: 'end_turn',
      stop_sequence: null,
      // Anthropic counts cached tokens apart from input tokens.
      usage: {
        input_tokens: 20,
        output_tokens: 30,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 100,
      },
    });
    expect(anthropicMessageSchema.safeParse(message).success).toBe(true);
  });

  it('turns tool calls into tool_use blocks with parsed input ({} when the model wrote broken JSON)', () => {
    const base = completion({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
        },
        { id: 'call_2', type: 'function', function: { name: 'broken', arguments: '{"location":' } },
      ],
    });
    const message = toAnthropicMessage(
      { ...base, choices: [{ ...base.choices[0]!, finish_reason: 'tool_calls' }] },
      'm',
    );
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'broken', input: {} },
    ]);
  });

  it('answers a completion without choices with empty content', () => {
    expect(
      toAnthropicMessage({ ...completion({ role: 'assistant', content: 'x' }), choices: [] }, 'm').content,
    ).toEqual([]);
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
    [null, 'end_turn'],
  ] as const)('maps finish_reason %s to stop_reason %s', (finishReason, stopReason) => {
    const base = completion({ role: 'assistant', content: 'x' });
    const message = toAnthropicMessage(
      { ...base, choices: [{ ...base.choices[0]!, finish_reason: finishReason }] },
      'm',
    );
    expect(message.stop_reason).toBe(stopReason);
  });

  it('keeps an msg_ id, keeps an OpenAI refusal as text, and reports zero usage when none is known', () => {
    const message = toAnthropicMessage(
      completion(
        { role: 'assistant', content: null, refusal: 'I can’t help with that.' },
        { id: 'msg_01X', usage: undefined },
      ),
      'm',
    );
    expect(message.id).toBe('msg_01X');
    expect(message.content).toEqual([{ type: 'text', text: 'I can’t help with that.' }]);
    expect(message.usage).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });

  it('gives back a recorded Anthropic message, thinking included, after a trip through the OpenAI form', () => {
    const original = anthropicMessageSchema.parse(readJsonFixture('response-tool-use.json'));
    const thinking = { type: 'thinking' as const, thinking: 'Plan.', signature: 'sig' };
    const withThinking = { ...original, content: [thinking, ...original.content] };
    const back = toAnthropicMessage(fromAnthropicResponse(withThinking), original.model);
    expect(back).toEqual({
      id: original.id,
      type: 'message',
      role: 'assistant',
      content: withThinking.content,
      model: original.model,
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 602,
        output_tokens: 93,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });
});
