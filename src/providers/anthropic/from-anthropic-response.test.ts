import { describe, expect, it } from 'vitest';
import { readJsonFixture } from './__fixtures__/read-fixture.js';
import { anthropicMessageSchema } from './api.js';
import type { AnthropicMessage } from './api.js';
import { fromAnthropicResponse } from './from-anthropic-response.js';
import { jsonResponseToolName } from './json-mode.js';

function fixture(name: string): AnthropicMessage {
  return anthropicMessageSchema.parse(readJsonFixture(name));
}

function message(overrides: Partial<AnthropicMessage>): AnthropicMessage {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text: 'Hi' }],
    model: 'claude-x',
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 1 },
    ...overrides,
  };
}

describe('fromAnthropicResponse (recorded responses)', () => {
  it('maps a text + tool_use message to content, tool_calls, finish_reason and usage', () => {
    const completion = fromAnthropicResponse(fixture('response-tool-use.json'));
    expect(completion).toEqual({
      id: 'msg_01GCBaV8gyWAYgMVggRqZbuQ',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'claude-3-opus-20240229',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content:
              '<thinking>\nThe updateIssueList tool was provided in the list of available functions. The tool has no required parameters, so it can be called without any additional information needed from the user.\n</thinking>\n\nOkay, I will update the current issue list:',
            tool_calls: [
              {
                id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1',
                type: 'function',
                function: { name: 'updateIssueList', arguments: '{}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 602,
        completion_tokens: 93,
        total_tokens: 695,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(5);
  });

  it('keeps a nested tool input exactly, with content null when there is no text', () => {
    const source = fixture('response-tool-use-nested-input.json');
    const completion = fromAnthropicResponse(source);
    const choice = completion.choices[0]!;
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.function.name).toBe('website_update');
    expect(JSON.parse(call.function.arguments)).toEqual((source.content[0] as { input: unknown }).input);
    expect(completion.usage).toEqual({
      prompt_tokens: 954,
      completion_tokens: 147,
      total_tokens: 1101,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});

describe('fromAnthropicResponse (mapping rules)', () => {
  it('counts cache reads and writes as prompt tokens and reports the reads as cached', () => {
    const completion = fromAnthropicResponse(
      message({
        usage: {
          input_tokens: 10,
          output_tokens: 5,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 20,
        },
      }),
    );
    expect(completion.usage).toEqual({
      prompt_tokens: 130,
      completion_tokens: 5,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 100 },
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['a_future_reason', 'stop'],
    [null, 'stop'],
  ])('maps stop_reason %s to finish_reason %s', (stopReason, finishReason) => {
    expect(fromAnthropicResponse(message({ stop_reason: stopReason })).choices[0]?.finish_reason).toBe(
      finishReason,
    );
  });

  it('joins text blocks and exposes thinking as reasoning_content plus the signed blocks', () => {
    const thinking = { type: 'thinking' as const, thinking: 'Let me think.', signature: 'sig' };
    const completion = fromAnthropicResponse(
      message({
        content: [thinking, { type: 'text', text: 'The answer ' }, { type: 'text', text: 'is 21.' }],
      }),
    );
    expect(completion.choices[0]?.message).toEqual({
      role: 'assistant',
      content: 'The answer is 21.',
      reasoning_content: 'Let me think.',
      thinking_blocks: [thinking],
    });
  });
});

describe('fromAnthropicResponse (JSON mode sent as the forced json_response tool)', () => {
  const jsonAnswer = (input: Record<string, unknown>, stopReason = 'tool_use') =>
    message({
      content: [{ type: 'tool_use', id: 'toolu_1', name: jsonResponseToolName, input }],
      stop_reason: stopReason,
    });

  it('returns the tool input as the content, with finish_reason stop and no tool_calls', () => {
    const completion = fromAnthropicResponse(jsonAnswer({ city: 'Paris', population: 2_100_000 }), {
      jsonResponse: { wrapped: false },
    });
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: '{"city":"Paris","population":2100000}' },
      finish_reason: 'stop',
      logprobs: null,
    });
  });

  it('unwraps `value` when a non-object schema was wrapped', () => {
    const completion = fromAnthropicResponse(jsonAnswer({ value: ['Paris', 'Rome'] }), {
      jsonResponse: { wrapped: true },
    });
    expect(completion.choices[0]?.message.content).toBe('["Paris","Rome"]');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('keeps a cut answer’s finish_reason length', () => {
    const completion = fromAnthropicResponse(jsonAnswer({}, 'max_tokens'), {
      jsonResponse: { wrapped: false },
    });
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it('leaves a json_response tool call alone when the request did not send the JSON tool', () => {
    const completion = fromAnthropicResponse(jsonAnswer({ a: 1 }));
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.message.tool_calls?.[0]?.function).toEqual({
      name: 'json_response',
      arguments: '{"a":1}',
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
