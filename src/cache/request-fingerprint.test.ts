import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../providers/canonical.js';
import { fingerprintRequest } from './request-fingerprint.js';

const base: ChatCompletionRequest = {
  model: 'fast',
  temperature: 0,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is the weather in NYC?' },
  ],
};

describe('request fingerprint', () => {
  it('ignores who asked and how the answer is delivered, and key order', () => {
    const reordered = { messages: base.messages, temperature: 0, model: 'fast' };
    const delivered = { ...base, user: 'ana', metadata: { run: '1' }, stream: true, stream_options: null };
    expect(fingerprintRequest(reordered).exact).toBe(fingerprintRequest(base).exact);
    expect(fingerprintRequest(delivered).exact).toBe(fingerprintRequest(base).exact);
  });

  it('changes with anything that changes the answer', () => {
    const variants: ChatCompletionRequest[] = [
      { ...base, temperature: 0.5 },
      { ...base, max_tokens: 10 },
      { ...base, seed: 1 },
      { ...base, stop: ['\n'] },
      { ...base, response_format: { type: 'json_object' } },
      { ...base, tools: [{ type: 'function', function: { name: 'f' } }] },
      { ...base, some_new_param: true },
      { ...base, messages: [base.messages[0]!, { role: 'user', content: 'What is the weather in LA?' }] },
    ];
    const hashes = new Set([base, ...variants].map((request) => fingerprintRequest(request).exact));
    expect(hashes.size).toBe(variants.length + 1);
  });

  it('splits the user turns (embedded) from the rest (matched exactly)', () => {
    const paraphrase = {
      ...base,
      messages: [base.messages[0]!, { role: 'user' as const, content: 'Tell me New York City weather' }],
    };
    const otherSystem = {
      ...paraphrase,
      messages: [{ role: 'system' as const, content: 'Be long.' }, paraphrase.messages[1]!],
    };
    expect(fingerprintRequest(paraphrase).context).toBe(fingerprintRequest(base).context);
    expect(fingerprintRequest(otherSystem).context).not.toBe(fingerprintRequest(base).context);
    expect(fingerprintRequest(paraphrase).userText).toBe('Tell me New York City weather');
  });

  it('leaves requests with images to the exact cache', () => {
    const withImage: ChatCompletionRequest = {
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ],
    };
    expect(fingerprintRequest(withImage)).toMatchObject({ context: null, userText: null });
  });
});
