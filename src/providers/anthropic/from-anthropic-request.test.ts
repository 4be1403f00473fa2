import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../canonical.js';
import { anthropicMessagesRequestSchema } from './api.js';
import type { AnthropicMessagesRequest } from './api.js';
import { fromAnthropicRequest } from './from-anthropic-request.js';
import { toAnthropicRequest } from './to-anthropic-request.js';

/** The first zod issue's path, as the gateway reports it in the error `param`. */
function issuePath(body: unknown): string | undefined {
  const result = anthropicMessagesRequestSchema.safeParse(body);
  return result.success ? undefined : result.error.issues[0]?.path.join('.');
}

const valid = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };

describe('anthropicMessagesRequestSchema (validation of /v1/messages bodies)', () => {
  it('accepts a minimal request and keeps unknown top-level parameters', () => {
    const parsed = anthropicMessagesRequestSchema.parse({ ...valid, service_tier: 'auto' });
    expect(parsed).toEqual({ ...valid, service_tier: 'auto' });
  });

  it.each([
    ['max_tokens is required', { ...valid, max_tokens: undefined }, 'max_tokens'],
    ['max_tokens must be a positive integer', { ...valid, max_tokens: 0 }, 'max_tokens'],
    ['max_tokens must be an integer', { ...valid, max_tokens: 1.5 }, 'max_tokens'],
    ['messages must not be empty', { ...valid, messages: [] }, 'messages'],
    [
      'roles are user or assistant',
      { ...valid, messages: [{ role: 'system', content: 'x' }] },
      'messages.0.role',
    ],
    ['temperature is at most 1', { ...valid, temperature: 1.5 }, 'temperature'],
    [
      'a user turn cannot hold tool_use',
      {
        ...valid,
        messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }],
      },
      'messages.0.content.0.type',
    ],
    [
      'an assistant turn cannot hold tool_result',
      {
        ...valid,
        messages: [
          valid.messages[0],
          { role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] },
        ],
      },
      'messages.1.content.0.type',
    ],
    [
      'images need a known media type',
      {
        ...valid,
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }],
          },
        ],
      },
      'messages.0.content.0.source.media_type',
    ],
    [
      'server tools are not supported',
      { ...valid, tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
      'tools.0.input_schema',
    ],
    ['tool_choice types are known', { ...valid, tool_choice: { type: 'sometimes' } }, 'tool_choice.type'],
  ])('%s', (_title, body, path) => {
    expect(issuePath(body)).toBe(path);
  });
});

describe('fromAnthropicRequest', () => {
  it('maps system, tool use, tool results, images, sampling, stop, user, tools and stream', () => {
    const body = anthropicMessagesRequestSchema.parse({
      model: 'claude-x',
      max_tokens: 512,
      system: 'You are terse.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture, and the weather there?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'A beach in Nice. Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Nice' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'text', text: 'Sunny, 24°C' },
                { type: 'image', source: { type: 'url', url: 'https://example.com/radar.png' } },
              ],
            },
            { type: 'text', text: 'Thanks!' },
          ],
        },
      ],
      stop_sequences: ['END'],
      temperature: 0.3,
      top_p: 0.8,
      metadata: { user_id: 'user-42' },
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stream: true,
    });
    expect(fromAnthropicRequest(body)).toEqual({
      model: 'claude-x',
      max_tokens: 512,
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture, and the weather there?' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
        {
          role: 'assistant',
          content: 'A beach in Nice. Checking.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Nice"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny, 24°C' },
        // OpenAI tool messages hold text only: the tool's image opens the next user message.
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'https://example.com/radar.png' } },
            { type: 'text', text: 'Thanks!' },
          ],
        },
      ],
      stop: ['END'],
      temperature: 0.3,
      top_p: 0.8,
      user: 'user-42',
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      stream: true,
      stream_options: { include_usage: true },
    } satisfies ChatCompletionRequest);
  });

  it('maps each tool_choice', () => {
    const withChoice = (tool_choice: AnthropicMessagesRequest['tool_choice']) =>
      fromAnthropicRequest({ ...anthropicMessagesRequestSchema.parse(valid), tool_choice });
    expect(withChoice({ type: 'auto' })).toMatchObject({ tool_choice: 'auto' });
    expect(withChoice({ type: 'none' })).toMatchObject({ tool_choice: 'none' });
    expect(withChoice({ type: 'tool', name: 'f' })).toMatchObject({
      tool_choice: { type: 'function', function: { name: 'f' } },
    });
    expect(withChoice({ type: 'auto' })).not.toHaveProperty('parallel_tool_calls');
  });

  it('keeps unknown top-level parameters so they are reported downstream, not lost', () => {
    const request = fromAnthropicRequest(
      anthropicMessagesRequestSchema.parse({ ...valid, service_tier: 'auto' }),
    );
    expect(request.service_tier).toBe('auto');
    expect(toAnthropicRequest(request).warnings).toEqual([
      { param: 'service_tier', message: expect.stringContaining('service_tier') },
    ]);
  });
});

describe('round trips', () => {
  it('OpenAI → Anthropic → OpenAI keeps the request', () => {
    const original: ChatCompletionRequest = {
      model: 'claude-x',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking both.',
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
        { role: 'tool', tool_call_id: 'call_2', content: '24°C' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And this one?' },
            { type: 'image_url', image_url: { url: 'https://example.com/map.png' } },
          ],
        },
      ],
      max_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
      stop: ['END'],
      user: 'user-42',
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { location: { type: 'string' } } },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      stream: true,
      stream_options: { include_usage: true },
    };
    const { args, warnings } = toAnthropicRequest(original);
    expect(warnings).toEqual([]);
    expect(fromAnthropicRequest(anthropicMessagesRequestSchema.parse(args))).toEqual(original);
  });

  it('Anthropic → OpenAI → Anthropic keeps a Claude Code style request, extensions included', () => {
    const body = anthropicMessagesRequestSchema.parse({
      model: 'claude-x',
      max_tokens: 32000,
      system: [
        { type: 'text', text: 'You are Claude Code.' },
        { type: 'text', text: 'Project instructions…', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        { role: 'user', content: 'List the files.' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should run ls.', signature: 'EqQBCgIYAh==' },
            { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
            { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: 'permission denied',
              is_error: true,
              cache_control: { type: 'ephemeral' },
            },
            { type: 'text', text: 'Try with sudo?' },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
              cache_control: { type: 'ephemeral' },
            },
          ],
        },
      ],
      tools: [
        {
          name: 'Bash',
          description: 'Run a command',
          input_schema: {
            type: 'object',
            properties: { command: { type: 'string' } },
            required: ['command'],
          },
        },
      ],
      tool_choice: { type: 'auto' },
      metadata: { user_id: 'session-1' },
      stop_sequences: ['</done>'],
      temperature: 1,
      top_k: 40,
      thinking: { type: 'enabled', budget_tokens: 8000 },
      stream: true,
    });
    const { args, warnings } = toAnthropicRequest(fromAnthropicRequest(body));
    expect(warnings).toEqual([]);
    expect(args).toEqual(body);
  });
});
