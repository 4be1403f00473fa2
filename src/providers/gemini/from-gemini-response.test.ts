import { describe, expect, it } from 'vitest';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { readJsonFixture } from './__fixtures__/read-fixture.js';
import { fromGeminiResponse, parseGeminiResponse } from './from-gemini-response.js';

const context = { provider: 'gemini-test', model: 'gemini-requested' };
const translate = (body: unknown) => fromGeminiResponse(parseGeminiResponse(body, context.provider), context);

describe('fromGeminiResponse (recorded responses)', () => {
  it('maps a text answer, counting thinking tokens as completion tokens', () => {
    const completion = translate(readJsonFixture('gemini-text.json'));
    expect(completion).toEqual({
      id: 'Un6LacrVMcjUxs0PmJfWoQc',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gemini-3-pro-preview',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
          },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 272,
        total_tokens: 281,
        completion_tokens_details: { reasoning_tokens: 244 },
      },
    });
  });

  it('maps a functionCall to a tool call with a generated id and finish_reason tool_calls', () => {
    const completion = translate(readJsonFixture('gemini-tool-call.json'));
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        type: 'function',
        function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
      },
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 29, completion_tokens: 908, total_tokens: 937 });
  });

  it('reports cached tokens and counts tool-use prompt tokens as prompt tokens', () => {
    const completion = translate(readJsonFixture('gemini-cached-usage.json'));
    expect(completion.usage).toEqual({
      prompt_tokens: 82,
      completion_tokens: 60,
      total_tokens: 142,
      prompt_tokens_details: { cached_tokens: 3 },
      completion_tokens_details: { reasoning_tokens: 56 },
    });
  });

  it('throws a non-retryable 400 content_filter error for a blocked prompt', () => {
    let thrown: unknown;
    try {
      translate(readJsonFixture('gemini-prompt-blocked.json'));
    } catch (error) {
      thrown = error;
    }
    expect(UpstreamCallError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      kind: 'http',
      status: 400,
      providerCode: 'content_filter',
      isRetryable: false,
      message: expect.stringContaining('PROHIBITED_CONTENT'),
    });
  });
});

describe('fromGeminiResponse (shapes without a recording)', () => {
  it('leaves thought summaries out of the answer and maps each candidate and finish reason', () => {
    const completion = translate({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: 'Thinking about it…', thought: true }, { text: 'Short' }, { text: ' answer' }],
          },
          finishReason: 'MAX_TOKENS',
          index: 0,
        },
        { content: { role: 'model', parts: [] }, finishReason: 'SAFETY', index: 1 },
        { finishReason: 'RECITATION', index: 2 },
      ],
    });
    expect(completion.model).toBe('gemini-requested');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.usage).toBeUndefined();
    expect(
      completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason]),
    ).toEqual([
      [0, 'Short answer', 'length'],
      [1, '', 'content_filter'],
      [2, '', 'content_filter'],
    ]);
  });

  it('rejects a body that is not a GenerateContentResponse', () => {
    expect(() => translate({ candidates: 'nope' })).toThrow(/not a GenerateContentResponse/);
    expect(() => translate({})).toThrow(/without candidates/);
  });
});
