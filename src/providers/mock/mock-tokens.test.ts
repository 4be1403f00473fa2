/**
 * The mock's token arithmetic against gpt-tokenizer itself: prompt counts equal `encodeChat` for
 * gpt-4o, cuts keep whole characters, and pieces always reassemble into the original text.
 */
import { encode, encodeChat } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../canonical.js';
import { countPromptTokens, countTextTokens, splitIntoTokenPieces, truncateToTokens } from './mock-tokens.js';

describe('mock token arithmetic', () => {
  it('counts prompts exactly as encodeChat does for gpt-4o', () => {
    const conversations: ChatMessage[][] = [
      [{ role: 'user', content: 'hello there' }],
      [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Write a haiku about gateways <|endoftext|>' },
        { role: 'assistant', content: 'Packets pass through gates' },
        { role: 'user', content: '日本語で 👋🏽' },
      ],
    ];
    for (const messages of conversations) {
      const chat = messages.map((message) => ({
        role: message.role,
        content: typeof message.content === 'string' ? message.content : '',
      }));
      expect(countPromptTokens({ model: 'm', messages })).toBe(
        encodeChat(chat, 'gpt-4o', { disallowedSpecial: new Set() }).length,
      );
    }
  });

  it('adds a name as the OpenAI cookbook counts it: its tokens plus one', () => {
    // gpt-tokenizer writes the name in place of the role instead; OpenAI bills both.
    const plain = countPromptTokens({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const named = countPromptTokens({
      model: 'm',
      messages: [{ role: 'user', content: 'hi', name: 'alice' }],
    });
    expect(named - plain).toBe(encode('alice').length + 1);
  });

  it('truncates to whole tokens and splits into pieces that reassemble', () => {
    const text = 'Héllo 👋🏽 wörld, 日本語のテキスト! '.repeat(5);
    expect(countTextTokens(text)).toBe(encode(text).length);
    for (const limit of [1, 2, 5, 17]) {
      const cut = truncateToTokens(text, limit);
      expect(cut).toMatchObject({ truncated: true });
      expect(cut.tokens).toBeLessThanOrEqual(limit);
      expect(text.startsWith(cut.text)).toBe(true);
    }
    expect(truncateToTokens('short', 10)).toEqual({ text: 'short', tokens: 1, truncated: false });
    for (const size of [1, 3, 7]) expect(splitIntoTokenPieces(text, size).join('')).toBe(text);
    expect(splitIntoTokenPieces('', 3)).toEqual([]);
  });
});
