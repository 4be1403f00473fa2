/**
 * The mock model's replies: echo, schema-valid JSON and tool calls, n / stop / max_tokens, realistic
 * usage. JSON output is checked with zod's own JSON Schema reader, not with the generator that
 * produced it.
 */
import { encode } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatCompletion, ChatCompletionRequest, ToolCall } from '../canonical.js';
import { createMockCompletion } from './mock-reply.js';

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
      properties: {
        city: { type: 'string', minLength: 2 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
};

const orderSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    total: { type: 'number', exclusiveMinimum: 0, maximum: 10 },
    status: { enum: ['open', 'paid'] },
    items: {
      type: 'array',
      minItems: 2,
      items: {
        type: 'object',
        properties: { sku: { type: 'string', maxLength: 4 }, quantity: { type: 'integer', minimum: 1 } },
        required: ['sku', 'quantity'],
        additionalProperties: false,
      },
    },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    customer: { $ref: '#/$defs/customer' },
  },
  required: ['id', 'total', 'status', 'items', 'note', 'customer'],
  additionalProperties: false,
  $defs: {
    customer: {
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, vip: { type: 'boolean' } },
      required: ['email', 'vip'],
    },
  },
};

const treeSchema = {
  $defs: {
    node: {
      type: 'object',
      properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
      required: ['label', 'children'],
      additionalProperties: false,
    },
  },
  $ref: '#/$defs/node',
};

/** Problems zod's JSON Schema reader finds in `value` (an independent check of the generator). */
function validate(schema: Record<string, unknown>, value: unknown): unknown[] {
  const check = z.fromJSONSchema(schema).safeParse(value);
  return check.success ? [] : check.error.issues;
}

function onlyMessage(completion: ChatCompletion) {
  const choice = completion.choices[0];
  if (choice === undefined) throw new Error('no choice');
  return choice;
}

describe('createMockCompletion', () => {
  it('echoes the last user text and counts usage with the real tokenizer', () => {
    const completion = createMockCompletion({
      model: 'mock-gpt',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'an answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi   there,' },
            { type: 'text', text: 'mock!' },
          ],
        },
      ],
    });
    const choice = onlyMessage(completion);
    expect(choice.message.content).toBe('[mock] You said: Hi there, mock!');
    expect(choice.finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(encode('[mock] You said: Hi there, mock!').length);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(15);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('is deterministic, keeps long echoes short and says it is fake when there is nothing to echo', () => {
    expect(createMockCompletion(ask('same')).id).toBe(createMockCompletion(ask('same')).id);
    const long = onlyMessage(createMockCompletion(ask('word '.repeat(200)))).message.content as string;
    expect(long.endsWith('…')).toBe(true);
    expect(long.length).toBeLessThan(240);
    const empty = createMockCompletion({ model: 'm', messages: [{ role: 'system', content: 'x' }] });
    expect(onlyMessage(empty).message.content).toMatch(/fake reply, not a real model/);
  });

  it('answers json_object with a JSON object and json_schema with a value that validates', () => {
    const object: unknown = JSON.parse(
      onlyMessage(createMockCompletion(ask('hi', { response_format: { type: 'json_object' } }))).message
        .content as string,
    );
    expect(object).toMatchObject({ mock: true });
    for (const schema of [orderSchema, treeSchema]) {
      const completion = createMockCompletion(
        ask('order', {
          response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } },
        }),
      );
      const value: unknown = JSON.parse(onlyMessage(completion).message.content as string);
      expect(validate(schema, value)).toEqual([]);
    }
  });

  it('calls the first tool with arguments generated from its parameters schema', () => {
    const completion = createMockCompletion(
      ask('weather in Paris?', { tools: [weatherTool, { type: 'function', function: { name: 'other' } }] }),
    );
    const choice = onlyMessage(completion);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0] as ToolCall;
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
    expect(Object.keys(args)).toEqual(expect.arrayContaining(['city', 'unit']));
    expect(validate(weatherTool.function.parameters, args)).toEqual([]);
    expect(
      createMockCompletion(ask('weather in Paris?', { tools: [weatherTool] })).choices[0]?.message
        .tool_calls?.[0]?.id,
    ).toBe(call.id);
  });

  it('honours a named tool_choice, tool_choice none, and answers in text after a tool result', () => {
    const tools = [
      weatherTool,
      {
        type: 'function' as const,
        function: {
          name: 'lookup',
          parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
        },
      },
    ];
    const named = createMockCompletion(
      ask('x', { tools, tool_choice: { type: 'function', function: { name: 'lookup' } } }),
    );
    expect(onlyMessage(named).message.tool_calls?.[0]?.function.name).toBe('lookup');
    expect(
      onlyMessage(createMockCompletion(ask('x', { tools, tool_choice: 'none' }))).message.tool_calls,
    ).toBeUndefined();
    const afterResult = createMockCompletion({
      model: 'm',
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    expect(onlyMessage(afterResult).finish_reason).toBe('stop');
    expect(onlyMessage(afterResult).message.content).toBe('[mock] You said: weather?');
  });

  it('uses a fixed reply instead of echo, JSON or tool call', () => {
    const completion = createMockCompletion(ask('x', { tools: [weatherTool] }), { reply: 'Fixed.' });
    expect(onlyMessage(completion).message).toMatchObject({ content: 'Fixed.' });
    expect(onlyMessage(completion).message.tool_calls).toBeUndefined();
  });

  it('returns n choices and bills each one', () => {
    const single = createMockCompletion(ask('hello'));
    const three = createMockCompletion(ask('hello', { n: 3 }));
    expect(three.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(three.usage?.completion_tokens).toBe(3 * (single.usage?.completion_tokens ?? 0));
    const calls = createMockCompletion(ask('x', { n: 2, tools: [weatherTool] })).choices.map(
      (choice) => choice.message.tool_calls?.[0]?.id,
    );
    expect(new Set(calls).size).toBe(2);
  });

  it('cuts at the first stop sequence with finish stop', () => {
    const completion = createMockCompletion(ask('alpha beta gamma', { stop: ['gamma', 'beta'] }));
    expect(onlyMessage(completion)).toMatchObject({
      message: { content: '[mock] You said: alpha ' },
      finish_reason: 'stop',
    });
  });

  it('cuts at max_tokens / max_completion_tokens with finish length', () => {
    const completion = createMockCompletion(ask('one two three four five six', { max_tokens: 3 }));
    const choice = onlyMessage(completion);
    expect(choice.finish_reason).toBe('length');
    expect(encode(choice.message.content as string)).toHaveLength(3);
    expect(completion.usage?.completion_tokens).toBe(3);
    const preferred = createMockCompletion(
      ask('one two three four five six', { max_tokens: 100, max_completion_tokens: 2 }),
    );
    expect(preferred.usage?.completion_tokens).toBe(2);
    const toolCut = createMockCompletion(ask('x', { tools: [weatherTool], max_tokens: 4 }));
    expect(onlyMessage(toolCut).finish_reason).toBe('length');
  });
});
