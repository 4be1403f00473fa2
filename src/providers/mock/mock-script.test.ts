import { describe, expect, it } from 'vitest';
import { compileMockScript } from './mock-script.js';

const ask = (content: string) => ({
  model: 'mock',
  messages: [
    { role: 'system' as const, content: 'ignored' },
    { role: 'user' as const, content },
  ],
});

describe('mock script', () => {
  const script = compileMockScript([
    { match: 'capital of France', reply: 'Paris.' },
    { match: '<Output>\\s*(.*?)\\s*</Output>', reply: '{"reason":"saw $j1","score":1,"pass":true}' },
  ]);

  it('answers with the first matching rule, inserting groups', () => {
    expect(script.replyFor(ask('What is the capital of France?'))).toBe('Paris.');
    expect(JSON.parse(script.replyFor(ask('<Output>\nsay "hi"\n</Output>')) ?? '')).toEqual({
      reason: 'saw say "hi"',
      score: 1,
      pass: true,
    });
    expect(script.replyFor(ask('unrelated'))).toBeUndefined();
  });
});
