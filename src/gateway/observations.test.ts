import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../providers/canonical.js';
import type { ProviderAdapter } from '../providers/spec.js';
import { createPriceCatalog } from '../usage/price-catalog.js';
import { createChatContext } from './create-context.js';
import { buildTraceEvent } from './observations.js';

const adapter = { id: 'local-vllm', type: 'openai' } as ProviderAdapter;
const prices = createPriceCatalog({ enabled: true, overrides: {} });

function answeredContext() {
  const context = createChatContext(
    {
      requestId: 'req_1',
      endpoint: 'chat.completions',
      signal: new AbortController().signal,
      traceparent: undefined,
      principal: { kind: 'master' },
    },
    { model: 'fast', messages: [{ role: 'user', content: 'How many tokens is this?' }], user: 'ana' },
  );
  const target = { adapter, model: 'gpt-4o-mini' };
  context.target = target;
  context.answeringAttempt = {
    target,
    group: 'fast',
    attempt: 1,
    spanId: 'a'.repeat(16),
    startTime: Date.now(),
    startMark: performance.now(),
    firstChunkMark: null,
  };
  return context;
}

const completion = (usage?: ChatCompletion['usage']): ChatCompletion => ({
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Seven or so.' }, finish_reason: 'stop' }],
  ...(usage === undefined ? {} : { usage }),
});

describe('buildTraceEvent', () => {
  it('uses the provider-reported usage and prices it', () => {
    const { trace, observations } = buildTraceEvent(
      answeredContext(),
      {
        status: 'ok',
        completion: completion({ prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }),
      },
      { prices, captureContent: true },
    );
    expect(trace.usage).toMatchObject({ inputTokens: 100, outputTokens: 50, estimated: false });
    expect(trace.cost).toBeCloseTo((100 * 0.15 + 50 * 0.6) / 1e6, 15);
    expect(trace).toMatchObject({
      model: 'fast',
      provider: 'local-vllm',
      upstreamModel: 'gpt-4o-mini',
      user: 'ana',
      httpStatus: 200,
    });
    expect(observations.map((observation) => observation.type)).toEqual(['span', 'generation']);
    expect(observations[1]).toMatchObject({ parentId: observations[0]!.id, name: 'local-vllm/gpt-4o-mini' });
  });

  it('counts tokens with the tokenizer when the provider reports none, and says so', () => {
    const { trace } = buildTraceEvent(
      answeredContext(),
      { status: 'ok', completion: completion() },
      { prices, captureContent: true },
    );
    // "How many tokens is this?" is 6 o200k tokens; + 3 per message + 3 reply priming.
    expect(trace.usage).toMatchObject({ inputTokens: 12, outputTokens: 4, estimated: true });
    expect(trace.cost).not.toBeNull();
  });

  it('leaves content out when capture is off', () => {
    const { trace } = buildTraceEvent(
      answeredContext(),
      { status: 'ok', completion: completion() },
      { prices, captureContent: false },
    );
    expect(trace.input).toBeNull();
    expect(trace.output).toBeNull();
  });
});
