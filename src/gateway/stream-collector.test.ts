import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../providers/canonical.js';
import { StreamCollector } from './stream-collector.js';

const chunk = (
  choices: ChatCompletionChunk['choices'],
  usage?: ChatCompletionChunk['usage'],
): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices,
  ...(usage === undefined ? {} : { usage }),
});

describe('StreamCollector', () => {
  it('folds content, tool-call fragments, finish reasons and usage back into a completion', () => {
    const collector = new StreamCollector();
    collector.add(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    collector.add(chunk([{ index: 0, delta: { content: 'Let me ' }, finish_reason: null }]));
    collector.add(chunk([{ index: 0, delta: { content: 'check.' }, finish_reason: null }]));
    collector.add(
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
            ],
          },
          finish_reason: null,
        },
      ]),
    );
    collector.add(
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
          finish_reason: null,
        },
      ]),
    );
    collector.add(
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
          finish_reason: null,
        },
      ]),
    );
    expect(collector.isComplete()).toBe(false);
    collector.add(chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]));
    collector.add(chunk([], { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 }));

    expect(collector.isComplete()).toBe(true);
    expect(collector.toCompletion()).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
    });
  });

  it('keeps choices of n > 1 apart', () => {
    const collector = new StreamCollector();
    collector.add(chunk([{ index: 1, delta: { content: 'b' }, finish_reason: null }]));
    collector.add(chunk([{ index: 0, delta: { content: 'a' }, finish_reason: 'stop' }]));
    collector.add(chunk([{ index: 1, delta: {}, finish_reason: 'length' }]));
    const completion = collector.toCompletion();
    expect(completion.choices.map((choice) => [choice.message.content, choice.finish_reason])).toEqual([
      ['a', 'stop'],
      ['b', 'length'],
    ]);
  });
});
