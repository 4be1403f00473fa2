import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../providers/canonical.js';
import { StreamCollector } from '../gateway/stream-collector.js';
import { parseCacheControl } from './cache-control.js';
import { replayAsStream } from './replay-stream.js';

const completion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 42,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: `${'A long answer that needs several pieces. '.repeat(5)}🙂🙂` },
      finish_reason: 'stop',
    },
    {
      index: 1,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"NYC"}' } },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 40, total_tokens: 52 },
};

describe('replaying a cached completion as a stream', () => {
  it('streams chunks that fold back into the same completion, usage last', async () => {
    const collector = new StreamCollector();
    const chunks = [];
    for await (const chunk of replayAsStream(completion)) {
      collector.add(chunk);
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(6);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: completion.usage });
    expect(collector.toCompletion()).toEqual(completion);
  });
});

describe('Cache-Control', () => {
  it('reads no-cache, no-store and max-age, ignoring the rest', () => {
    expect(parseCacheControl('No-Cache, max-age=30, private')).toEqual({
      noCache: true,
      noStore: false,
      maxAgeSeconds: 30,
    });
    expect(parseCacheControl('no-store')).toMatchObject({ noStore: true, maxAgeSeconds: null });
    expect(parseCacheControl(null)).toEqual({ noCache: false, noStore: false, maxAgeSeconds: null });
  });
});
