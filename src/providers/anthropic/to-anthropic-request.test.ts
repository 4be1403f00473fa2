import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../canonical.js';
import { anthropicMessagesRequestSchema } from './api.js';
import { jsonResponseToolName } from './json-mode.js';
import { jsonModeInstructions, toAnthropicRequest } from './to-anthropic-request.js';

function request(overrides: Partial<ChatCompletionRequest>): ChatCompletionRequest {
  return { model: 'claude-x', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100, ...overrides };
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Get the current weather in a given location',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

describe('toAnthropicRequest: the conversation', () => {
  it('hoists system prompts, turns tool calls into tool_use and merges tool results into one user turn', () => {
    const { args, warnings } = toAnthropicRequest(
      request({
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'developer', content: 'Use metric units.' },
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
              },
              {
                id: 'call_2',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"Rome"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
          { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
          { role: 'user', content: 'And tomorrow?' },
        ],
      }),
    );
    expect(warnings).toEqual([]);
    expect(args).toEqual({
      model: 'claude-x',
      max_tokens: 100,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Use metric units.' },
      ],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
            { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { location: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24°C' }] },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
    // What the gateway builds is what the gateway itself would accept from a client.
    expect(anthropicMessagesRequestSchema.safeParse(args).success).toBe(true);
  });

  it('merges consecutive turns of one role and keeps tool results first in a user turn', () => {
    const { args } = toAnthropicRequest(
      request({
        messages: [
          { role: 'user', content: 'One' },
          { role: 'user', content: 'Two' },
          {
            role: 'assistant',
            content: 'Calling.',
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '' } }],
          },
          { role: 'user', content: 'Before the result (out of order)' },
          { role: 'tool', tool_call_id: 't', content: 'done' },
        ],
      }),
    );
    expect(args.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'One' },
          { type: 'text', text: 'Two' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Calling.' },
          { type: 'tool_use', id: 't', name: 'f', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't', content: 'done' },
          { type: 'text', text: 'Before the result (out of order)' },
        ],
      },
    ]);
  });

  it('sends images as base64 or url sources and PDFs as documents, and warns about the rest', () => {
    const { args, warnings } = toAnthropicRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
              { type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } },
              {
                type: 'file',
                file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
              },
              { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
            ],
          },
        ],
      }),
    );
    expect(args.messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
        title: 'report.pdf',
      },
    ]);
    expect(warnings.map((warning) => warning.param)).toEqual([
      'messages.0.content.3',
      'messages.0.content.5',
    ]);
    expect(warnings[0]?.message).toContain('image/svg+xml');
  });

  it('warns about a system message inside the conversation, broken tool arguments and legacy function messages', () => {
    const { args, warnings } = toAnthropicRequest(
      request({
        messages: [
          { role: 'user', content: 'Hi' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }],
          },
          { role: 'system', content: 'Late rule.' },
          { role: 'function', name: 'f', content: 'legacy' },
          { role: 'assistant', content: '' },
        ],
      }),
    );
    expect(args.system).toBe('Late rule.');
    expect(args.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }] },
    ]);
    expect(warnings.map((warning) => warning.param)).toEqual([
      'messages.1.tool_calls.0.function.arguments',
      'messages.2',
      'messages.3.role',
    ]);
  });

  it('carries the Anthropic extensions: cache breakpoints, thinking blocks, tool error flags', () => {
    const thinking = { type: 'thinking', thinking: 'Need the weather.', signature: 'sig==' };
    const { args, warnings } = toAnthropicRequest(
      request({
        messages: [
          {
            role: 'system',
            content: [{ type: 'text', text: 'Long policy', cache_control: { type: 'ephemeral' } }],
          },
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: null,
            thinking_blocks: [thinking],
            tool_calls: [
              { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
            ],
          },
          {
            role: 'tool',
            tool_call_id: 'toolu_1',
            content: 'timeout',
            is_error: true,
            cache_control: { type: 'ephemeral' },
          },
        ],
        top_k: 5,
        thinking: { type: 'enabled', budget_tokens: 1024 },
      }),
    );
    expect(warnings).toEqual([]);
    expect(args).toMatchObject({
      system: [{ type: 'text', text: 'Long policy', cache_control: { type: 'ephemeral' } }],
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [thinking, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: 'timeout',
              is_error: true,
              cache_control: { type: 'ephemeral' },
            },
          ],
        },
      ],
    });
  });
});

describe('toAnthropicRequest: parameters', () => {
  it('defaults max_tokens to 4096 with a warning, and prefers max_completion_tokens', () => {
    const absent = toAnthropicRequest(request({ max_tokens: undefined }));
    expect(absent.args.max_tokens).toBe(4096);
    expect(absent.warnings).toEqual([{ param: 'max_tokens', message: expect.stringContaining('4096') }]);
    expect(toAnthropicRequest(request({ max_tokens: 50, max_completion_tokens: 70 })).args.max_tokens).toBe(
      70,
    );
  });

  it('maps sampling, stop, user and stream', () => {
    const { args, warnings } = toAnthropicRequest(
      request({
        temperature: 0.2,
        top_p: 0.9,
        stop: 'END',
        user: 'user-42',
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(warnings).toEqual([]);
    expect(args).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      stream: true,
    });
    expect(toAnthropicRequest(request({ stop: ['a', 'b'] })).args.stop_sequences).toEqual(['a', 'b']);
  });

  it('sends a temperature above Anthropic’s maximum as 1, saying so', () => {
    const { args, warnings } = toAnthropicRequest(request({ temperature: 1.5 }));
    expect(args.temperature).toBe(1);
    expect(warnings).toEqual([{ param: 'temperature', message: expect.stringContaining('1.5') }]);
  });

  it('maps tools and every tool_choice, with parallel_tool_calls: false as disable_parallel_tool_use', () => {
    const base = { tools: [weatherTool] };
    const { args } = toAnthropicRequest(request({ ...base, tool_choice: 'auto' }));
    expect(args.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Get the current weather in a given location',
        input_schema: {
          type: 'object',
          properties: { location: { type: 'string' } },
          required: ['location'],
        },
      },
    ]);
    expect(args.tool_choice).toEqual({ type: 'auto' });
    expect(toAnthropicRequest(request({ ...base, tool_choice: 'required' })).args.tool_choice).toEqual({
      type: 'any',
    });
    expect(toAnthropicRequest(request({ ...base, tool_choice: 'none' })).args.tool_choice).toEqual({
      type: 'none',
    });
    expect(
      toAnthropicRequest(
        request({
          ...base,
          tool_choice: { type: 'function', function: { name: 'get_weather' } },
          parallel_tool_calls: false,
        }),
      ).args.tool_choice,
    ).toEqual({ type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
    expect(toAnthropicRequest(request({ ...base, parallel_tool_calls: false })).args.tool_choice).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    expect(toAnthropicRequest(request(base)).args.tool_choice).toBeUndefined();
  });

  it('gives a tool without parameters an empty object schema', () => {
    const { args } = toAnthropicRequest(
      request({ tools: [{ type: 'function', function: { name: 'refresh' } }] }),
    );
    expect(args.tools).toEqual([{ name: 'refresh', input_schema: { type: 'object' } }]);
  });

  it('warns about every parameter Anthropic cannot honour, naming it', () => {
    const { args, warnings } = toAnthropicRequest(
      request({
        n: 2,
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: 0.1,
        logprobs: true,
        top_logprobs: 3,
        metadata: { session: 'a' },
        logit_bias: { '50256': -100 },
        store: true,
      }),
    );
    expect(warnings.map((warning) => warning.param)).toEqual([
      'n',
      'seed',
      'presence_penalty',
      'frequency_penalty',
      'logprobs',
      'top_logprobs',
      'metadata',
      'logit_bias',
      'store',
    ]);
    expect(args).not.toHaveProperty('logit_bias');
    expect(args).not.toHaveProperty('metadata');
    // Neutral values change nothing and are not worth a warning.
    expect(
      toAnthropicRequest(request({ n: 1, presence_penalty: 0, frequency_penalty: null, logprobs: false }))
        .warnings,
    ).toEqual([]);
  });
});

describe('toAnthropicRequest: JSON mode', () => {
  it('turns json_object into a forced json_response tool with an open object schema', () => {
    const { args, warnings, jsonResponse } = toAnthropicRequest(
      request({
        messages: [
          { role: 'system', content: 'Be exact.' },
          { role: 'user', content: 'Hi' },
        ],
        response_format: { type: 'json_object' },
      }),
    );
    expect(jsonResponseToolName).toBe('json_response');
    expect(args).toEqual({
      model: 'claude-x',
      max_tokens: 100,
      // The system prompt is left alone: the tool asks for the JSON.
      system: 'Be exact.',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [
        {
          name: 'json_response',
          description: expect.stringContaining('JSON'),
          input_schema: { type: 'object' },
        },
      ],
      tool_choice: { type: 'tool', name: 'json_response', disable_parallel_tool_use: true },
    });
    expect(jsonResponse).toEqual({ wrapped: false });
    expect(warnings).toEqual([
      {
        param: 'response_format',
        message: expect.stringContaining('forced a call to a `json_response` tool'),
      },
    ]);
    expect(anthropicMessagesRequestSchema.safeParse(args).success).toBe(true);
  });

  it('sends an object-rooted json_schema as the tool’s input schema, with its description', () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const { args, warnings, jsonResponse } = toAnthropicRequest(
      request({
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'result', description: 'The sum.', schema, strict: true },
        },
      }),
    );
    expect(args.tools).toEqual([
      {
        name: 'json_response',
        description: expect.stringMatching(/ The sum\.$/),
        input_schema: schema,
      },
    ]);
    expect(args.tool_choice).toEqual({
      type: 'tool',
      name: 'json_response',
      disable_parallel_tool_use: true,
    });
    expect(args).not.toHaveProperty('system');
    expect(jsonResponse).toEqual({ wrapped: false });
    expect(warnings).toEqual([
      { param: 'response_format', message: expect.stringContaining('not validated by Anthropic') },
    ]);
  });

  it('wraps a schema whose root is not an object under `value`, keeping $defs at the root for $refs', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      items: { $ref: '#/$defs/City' },
      $defs: { City: { type: 'object', properties: { name: { type: 'string' } } } },
    };
    const { args, jsonResponse } = toAnthropicRequest(
      request({ response_format: { type: 'json_schema', json_schema: { name: 'cities', schema } } }),
    );
    expect(args.tools?.[0]?.input_schema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { City: { type: 'object', properties: { name: { type: 'string' } } } },
      type: 'object',
      properties: { value: { type: 'array', items: { $ref: '#/$defs/City' } } },
      required: ['value'],
    });
    expect(jsonResponse).toEqual({ wrapped: true });
    expect(anthropicMessagesRequestSchema.safeParse(args).success).toBe(true);
  });

  it('sends a json_schema without a schema as json_object', () => {
    const { args, jsonResponse } = toAnthropicRequest(
      request({ response_format: { type: 'json_schema', json_schema: { name: 'anything' } } }),
    );
    expect(args.tools?.[0]?.input_schema).toEqual({ type: 'object' });
    expect(jsonResponse).toEqual({ wrapped: false });
  });

  it('keeps the client’s own tools and asks for JSON in the system prompt instead, saying why', () => {
    const jsonObject = toAnthropicRequest(
      request({
        messages: [
          { role: 'system', content: 'Be exact.' },
          { role: 'user', content: 'Hi' },
        ],
        tools: [weatherTool],
        tool_choice: 'auto',
        response_format: { type: 'json_object' },
      }),
    );
    expect(jsonObject.args.system).toEqual([
      { type: 'text', text: 'Be exact.' },
      { type: 'text', text: jsonModeInstructions.object },
    ]);
    expect(jsonObject.args.tools?.map((tool) => tool.name)).toEqual(['get_weather']);
    expect(jsonObject.args.tool_choice).toEqual({ type: 'auto' });
    expect(jsonObject.jsonResponse).toBeUndefined();
    expect(jsonObject.warnings).toEqual([
      { param: 'response_format', message: expect.stringContaining('tools of its own') },
    ]);
    expect(jsonObject.warnings[0]?.message).toContain('system prompt');

    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const jsonSchema = toAnthropicRequest(
      request({
        tools: [weatherTool],
        response_format: { type: 'json_schema', json_schema: { name: 'result', schema } },
      }),
    );
    expect(jsonSchema.args.system).toBe(`${jsonModeInstructions.schema}\n${JSON.stringify(schema)}`);
    expect(jsonSchema.warnings.map((warning) => warning.param)).toEqual(['response_format']);
  });

  it('asks for JSON in the system prompt when extended thinking is on (it forbids a forced tool)', () => {
    const thinking = toAnthropicRequest(
      request({
        response_format: { type: 'json_object' },
        thinking: { type: 'enabled', budget_tokens: 1024 },
      }),
    );
    expect(thinking.args.system).toBe(jsonModeInstructions.object);
    expect(thinking.args).not.toHaveProperty('tools');
    expect(thinking.jsonResponse).toBeUndefined();
    expect(thinking.warnings).toEqual([
      { param: 'response_format', message: expect.stringContaining('extended thinking') },
    ]);
    // Thinking switched off does not stand in the way.
    const disabled = toAnthropicRequest(
      request({ response_format: { type: 'json_object' }, thinking: { type: 'disabled' } }),
    );
    expect(disabled.jsonResponse).toEqual({ wrapped: false });
  });

  it('passes response_format text through silently and warns about an unknown type', () => {
    expect(toAnthropicRequest(request({ response_format: { type: 'text' } }))).toEqual(
      toAnthropicRequest(request({})),
    );
    const unknown = toAnthropicRequest(
      request({ response_format: { type: 'yaml' } as unknown as ChatCompletionRequest['response_format'] }),
    );
    expect(unknown.warnings.map((warning) => warning.param)).toEqual(['response_format.type']);
    expect(unknown.args).not.toHaveProperty('tools');
  });
});
