import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../canonical.js';
import { withoutForeignFields } from './foreign-fields.js';

describe('withoutForeignFields', () => {
  it('returns a request without foreign fields unchanged (same object)', () => {
    const request: ChatCompletionRequest = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      top_k: 5,
      logit_bias: { '50256': -100 },
    };
    expect(withoutForeignFields(request)).toBe(request);
  });

  it('removes Anthropic cache breakpoints, thinking and tool-error flags, keeping the rest', () => {
    const request: ChatCompletionRequest = {
      model: 'gpt-4o-mini',
      thinking: { type: 'enabled', budget_tokens: 1024 },
      top_k: 5,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'rules', cache_control: { type: 'ephemeral' } }] },
        {
          role: 'assistant',
          content: 'ok',
          thinking_blocks: [{ type: 'thinking', thinking: 'x', signature: 's' }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'boom', is_error: true },
      ],
    };
    const cleaned = withoutForeignFields(request);
    expect(cleaned).toEqual({
      model: 'gpt-4o-mini',
      top_k: 5,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'rules' }] },
        { role: 'assistant', content: 'ok' },
        { role: 'tool', tool_call_id: 'call_1', content: 'boom' },
      ],
    });
    // The client's request object is not mutated: the trace records what the client sent.
    expect(request.thinking).toBeDefined();
    expect(request.messages[2]).toHaveProperty('is_error', true);
  });
});
