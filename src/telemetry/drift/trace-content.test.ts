import { describe, expect, it } from 'vitest';
import { inputText, outputFacts } from './trace-content.js';

describe('what drift reads from stored content', () => {
  it("reads the user turns of the gateway's stored request", () => {
    const input = {
      messages: [
        { role: 'system', content: 'You are a support bot.' },
        { role: 'user', content: 'Where is my parcel?' },
        { role: 'assistant', content: 'Let me check.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Order 42' },
            { type: 'image_url', image_url: {} },
          ],
        },
      ],
      tools: [],
    };
    expect(inputText(input)).toBe('Where is my parcel?\nOrder 42');
  });

  it('reads OpenTelemetry GenAI messages, plain strings and embedding inputs', () => {
    expect(inputText([{ role: 'user', parts: [{ type: 'text', content: 'Bonjour' }] }])).toBe('Bonjour');
    expect(inputText('a plain prompt')).toBe('a plain prompt');
    expect(inputText(['first', 'second'])).toBe('first\nsecond');
  });

  it('knows nothing when content was not stored or has no text', () => {
    expect(inputText(null)).toBeNull();
    expect(inputText({ messages: [{ role: 'system', content: 'only a system prompt' }] })).toBeNull();
    expect(outputFacts(null)).toBeNull();
    expect(outputFacts({ count: 1, dimensions: 512 })).toBeNull();
  });

  it('tells answers, refusals and tool calls apart', () => {
    expect(outputFacts([{ role: 'assistant', content: 'Your parcel arrives Monday.' }])).toEqual({
      refused: false,
      toolCalls: false,
    });
    expect(outputFacts([{ role: 'assistant', content: "I'm sorry, but I can't help with that." }])).toEqual({
      refused: true,
      toolCalls: false,
    });
    // OpenAI's refusal field, with no text.
    expect(outputFacts([{ role: 'assistant', content: null, refusal: 'Not allowed.' }])?.refused).toBe(true);
    // A tool call carries no text: acting, not refusing.
    expect(
      outputFacts([
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'track', arguments: '{}' } }],
        },
      ]),
    ).toEqual({ refused: false, toolCalls: true });
    expect(
      outputFacts([{ role: 'assistant', parts: [{ type: 'tool_call', name: 'track', arguments: {} }] }])
        ?.toolCalls,
    ).toBe(true);
  });
});
