import { afterAll, describe, expect, it } from 'vitest';
import { createLocalEmbedder } from './local-embedder.js';
import { dot } from './unit-vector.js';

describe('local embedder (Universal Sentence Encoder lite, shipped weights)', () => {
  const embedder = createLocalEmbedder({ maxBatch: 4 });
  afterAll(() => embedder.close());

  it('places a paraphrase near its original and an unrelated question far away', async () => {
    const [weather, paraphrase, bread] = await embedder.embed([
      "What's the weather in NYC?",
      'Tell me New York City weather',
      'How do I bake sourdough bread?',
    ]);
    expect(weather).toHaveLength(512);
    expect(dot(weather!, weather!)).toBeCloseTo(1, 4);
    expect(dot(weather!, paraphrase!)).toBeGreaterThan(0.6);
    expect(dot(weather!, bread!)).toBeLessThan(0.35);
  }, 60_000);

  it('answers concurrent callers in order, batching what queues up', async () => {
    const texts = Array.from({ length: 10 }, (_, index) => `question number ${index} about invoices`);
    const one = await Promise.all(texts.map((text) => embedder.embed([text])));
    const together = await embedder.embed(texts);
    one.forEach(([vector], index) => expect(dot(vector!, together[index]!)).toBeCloseTo(1, 3));
  }, 60_000);
});
